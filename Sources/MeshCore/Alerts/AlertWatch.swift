/// Decides when alert rules start and stop holding (README "Alerts"; the rules in force by
/// default are `AlertRule.defaults`). The engine asks it after every sample, over the state
/// its events built, and emits what it answers as `alert` events,
/// so an alert fires once and resolves once, in live runs, demos and (recorded) replays alike.
///
/// A rate or latency needs traffic to mean anything: a subject with no requests in the window
/// does not hold `success_rate < 99%` or `p99 > 500ms` (an idle service is not failing).
struct AlertWatch {
    private struct Key: Hashable {
        var rule: Int
        var subject: String
    }

    private struct Track {
        var holdingSince: Double?
        var firing = false
        var severity: AlertChange.Severity
    }

    let rules: [AlertRule]
    private var tracks: [Key: Track] = [:]
    /// Recent state-change times per `SERVICE/ENDPOINT`, for `state_changes`.
    private var changes: [EndpointRef: [Double]] = [:]
    private let longestWindow: Double

    init(rules: [AlertRule]) {
        self.rules = rules
        longestWindow = rules.compactMap(\.within).max() ?? 0
    }

    /// Counts a change toward `state_changes` (flapping) unless the operator caused it or it is
    /// a first verdict: drains, kills, restores and what follows them (drained, the checks of a
    /// restarted process coming back from `unknown`) are planned work, not flaps, as Nagios'
    /// scheduled downtime and Consul's maintenance mode keep planned work from raising alerts.
    mutating func noteStateChange(_ change: StateChange, byOperator: Bool, at t: Double) {
        guard longestWindow > 0, change.isFlap(byOperator: byOperator) else { return }
        changes[change.endpoint, default: []].append(t)
    }

    /// The alerts that start or stop firing at `now`.
    mutating func evaluate(_ state: MeshState, now: Double) -> [AlertChange] {
        for key in changes.keys { changes[key]?.removeAll { $0 < now - longestWindow } }
        var out: [AlertChange] = []
        var seen = Set<Key>()
        for (i, rule) in rules.enumerated() {
            for service in state.services {
                switch rule.selector {
                case .service:
                    guard rule.selector.matches(service.name) else { continue }
                    let key = Key(rule: i, subject: service.name)
                    seen.insert(key)
                    step(key, rule, measure(rule, service: service, now: now), now: now, into: &out)
                case .endpoint:
                    for endpoint in service.endpoints {
                        let ref = EndpointRef(service: service.name, endpoint: endpoint.id)
                        guard rule.selector.matches(ref.description) else { continue }
                        let key = Key(rule: i, subject: ref.description)
                        seen.insert(key)
                        step(key, rule, measure(rule, endpoint: endpoint, ref: ref, now: now), now: now, into: &out)
                    }
                }
            }
        }
        // A subject that is gone (deregistered) no longer holds anything.
        for (key, track) in tracks where !seen.contains(key) {
            if track.firing {
                out.append(AlertChange(name: rules[key.rule].name, severity: track.severity, state: .resolved, subject: key.subject, value: 0))
            }
            tracks[key] = nil
        }
        return out
    }

    // MARK: Private

    /// nil: nothing to judge (no traffic for a rate); else whether it holds and the value.
    private typealias Reading = (holds: Bool, value: Double)?

    private mutating func step(_ key: Key, _ rule: AlertRule, _ reading: Reading, now: Double, into out: inout [AlertChange]) {
        var track = tracks[key] ?? Track(severity: rule.severity)
        if let reading, reading.holds {
            let since = track.holdingSince ?? now
            track.holdingSince = since
            if !track.firing, now - since >= rule.holdFor {
                track.firing = true
                out.append(AlertChange(name: rule.name, severity: rule.severity, state: .firing, subject: key.subject, value: reading.value))
            }
        } else {
            track.holdingSince = nil
            if track.firing {
                track.firing = false
                out.append(AlertChange(name: rule.name, severity: rule.severity, state: .resolved, subject: key.subject, value: reading?.value ?? 0))
            }
        }
        tracks[key] = track
    }

    private func measure(_ rule: AlertRule, service: Service, now: Double) -> Reading {
        switch rule.condition {
        case .failoverActive: return (service.failoverZone != nil, service.failoverZone != nil ? 1 : 0)
        case .panic: return (service.panic, service.panic ? 1 : 0)
        case .threshold(.stateChanges, _, _):
            let count = service.endpoints.reduce(0) {
                $0 + recentChanges(EndpointRef(service: service.name, endpoint: $1.id), within: rule.within ?? 60, now: now)
            }
            return (rule.condition.holds(for: Double(count)), Double(count))
        case .threshold(let metric, _, _):
            return reading(metric, rule.condition, service.clientLoad)
        }
    }

    private func measure(_ rule: AlertRule, endpoint: Endpoint, ref: EndpointRef, now: Double) -> Reading {
        switch rule.condition {
        case .failoverActive, .panic: return nil
        case .threshold(.stateChanges, _, _):
            let count = Double(recentChanges(ref, within: rule.within ?? 60, now: now))
            return (rule.condition.holds(for: count), count)
        case .threshold(let metric, _, _):
            return reading(metric, rule.condition, endpoint.load)
        }
    }

    private func reading(_ metric: AlertMetric, _ condition: AlertCondition, _ load: EndpointLoad) -> Reading {
        let value: Double
        switch metric {
        case .rps: value = load.rps
        case .successRate, .errorRate, .p50, .p99:
            guard load.rps > 0 else { return nil }
            let failed = min(1, max(0, load.errors / load.rps)) * 100
            value = metric == .successRate ? 100 - failed : metric == .errorRate ? failed : metric == .p50 ? load.p50 : load.p99
        case .stateChanges:
            return nil
        case .certExpiryDays:
            guard let tls = load.tls, tls.managed != true, let days = tls.expiresInDays else { return nil }
            value = Double(days)
        }
        return (condition.holds(for: value), value)
    }

    private func recentChanges(_ ref: EndpointRef, within: Double, now: Double) -> Int {
        changes[ref]?.lazy.filter { $0 >= now - within }.count ?? 0
    }
}
