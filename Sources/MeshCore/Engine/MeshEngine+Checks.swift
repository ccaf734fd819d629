/// Consul checks of registered endpoints: results of HTTP and TCP runs, TTL reports, TTLs that
/// run out, and instances deregistered for staying critical (`agent/checks/check.go`,
/// `agent/agent.go` `reapServicesInternal`).
extension MeshEngine {
    /// Consul caps a check's output at 4 KiB (`checks.DefaultBufSize`).
    static let maxOutput = 4096
    /// A new output alone is news this often at most: Consul's `check_update_interval`, 5 minutes.
    static let outputInterval = 300.0

    /// An output as Consul keeps it: past `maxOutput` bytes, the first of them (whole
    /// characters) and what was cut, in Consul's words (`agent/checks/check.go`,
    /// `CheckTTL.SetStatus`: `… ... (captured 4096 of 10000 bytes)`).
    static func captured(_ output: String) -> String {
        guard output.utf8.count > maxOutput else { return output }
        let bytes = Array(output.utf8)
        // Back to the start of a character, so that what is kept stays valid UTF-8.
        var kept = maxOutput
        while kept > 0, bytes[kept] & 0xC0 == 0x80 { kept -= 1 }
        return "\(String(decoding: bytes[..<kept], as: UTF8.self)) ... (captured \(kept) of \(bytes.count) bytes)"
    }

    /// One run of an HTTP or TCP check (index `check` in the registration), through Consul's
    /// thresholds. Killed endpoints are not checked.
    public func checkResult(service s: Int, slot: Int32, check c: Int, status: CheckStatus, output: String, now: Double) -> Output {
        run(service: s, slot: slot, check: c, status: status, output: output, now: now)
        return finish()
    }

    private func run(service s: Int, slot: Int32, check c: Int, status: CheckStatus, output: String, now: Double) {
        guard let runtime = services[s].slots[Int(slot)], runtime.hold != .killed, c < services[s].checks[slot]?.count ?? 0,
              let moved = services[s].checks[slot]?[c].record(status) else { return }
        setCheck(s, slot, c, to: moved, output: output, now: now)
    }

    /// A TTL report: the status at once, and the TTL runs again (Consul's `CheckTTL.SetStatus`).
    func report(service s: Int, slot: Int32, check c: Int, status: CheckStatus, output: String, now: Double) {
        guard services[s].slots[Int(slot)] != nil, let checks = services[s].checks[slot], c < checks.count else { return }
        let until = now + checks[c].ttl
        services[s].checks[slot]?[c].ttlUntil = until
        checkDeadline = min(checkDeadline, until)
        setCheck(s, slot, c, to: status, output: output, now: now)
    }

    /// A simulated run (demo) stands in for every HTTP and TCP check of a registration.
    func simulatedRun(service s: Int, slot: Int32, passed: Bool, now: Double) {
        guard services[s].slots[Int(slot)] != nil, let checks = services[s].checks[slot] else { return }
        for c in checks.indices where checks[c].kind != .ttl {
            run(service: s, slot: slot, check: c, status: passed ? .passing : .critical,
                output: passed ? "check passed" : "check failed", now: now)
        }
    }

    /// Moves a check to `status`: a `check` event when the status changes, or when only the
    /// output does and the last one is empty or older than `outputInterval` (Consul too syncs
    /// such outputs only every few minutes, `check_update_interval`); then the endpoint's state
    /// and, between passing and warning, its weight.
    func setCheck(_ s: Int, _ slot: Int32, _ c: Int, to status: CheckStatus, output: String, now: Double) {
        guard services[s].slots[Int(slot)] != nil, let checks = services[s].checks[slot], c < checks.count, let e = index(s, slot),
              let check = state.services[s].endpoints[e].registration?.checks[c] else { return }
        if status == .critical {
            if checks[c].criticalSince == nil {
                services[s].checks[slot]?[c].criticalSince = now
                if let after = checks[c].reapAfter { checkDeadline = min(checkDeadline, now + after) }
            }
        } else {
            services[s].checks[slot]?[c].criticalSince = nil
        }
        let text = Self.captured(output)
        let news = check.output != text && (check.output.isEmpty || now - checks[c].outputAt >= Self.outputInterval)
        if check.status != status || news {
            services[s].checks[slot]?[c].outputAt = now
            let ref = EndpointRef(service: services[s].name, endpoint: state.services[s].endpoints[e].id)
            emit(.check(CheckChange(endpoint: ref, check: check.id, from: check.status, to: status, output: text)), at: now, position: (s, e))
        }
        services[s].checks[slot]?[c].status = status
        services[s].checks[slot]?[c].heard = true
        let verdict = EndpointRuntime.verdict(of: services[s].checks[slot] ?? [])
        services[s].slots[Int(slot)]?.checksVerdict = verdict
        guard check.status != status || !checks[c].heard else { return }
        let before = state.services[s].endpoints[e].state
        refresh(s, slot, reason: "check \(check.id) \(status.rawValue)" + (text.isEmpty ? "" : ": \(text)"), now: now)
        // Passing and warning are both healthy: only the weight changed.
        if index(s, slot).map({ state.services[s].endpoints[$0].state }) == before { replan(s, now: now, changed: slot) }
    }

    /// TTLs that ran out turn critical; instances critical for longer than their
    /// `DeregisterCriticalServiceAfter` are deregistered (at once, not on Consul's 30 s reaper tick).
    func expireChecks(now: Double) {
        guard now >= checkDeadline else { return }
        var next = Double.infinity
        var reap: [(EndpointRef, String)] = []
        for s in services.indices {
            for slot in services[s].slots.indices {
                guard services[s].slots[slot] != nil, let checks = services[s].checks[Int32(slot)], let id = id(s, Int32(slot)) else { continue }
                for c in checks.indices {
                    if let until = checks[c].ttlUntil {
                        if now >= until {
                            services[s].checks[Int32(slot)]?[c].ttlUntil = nil
                            setCheck(s, Int32(slot), c, to: .critical, output: expiredOutput(s, id, c), now: now)
                        } else {
                            next = min(next, until)
                        }
                    }
                    guard let since = services[s].checks[Int32(slot)]?[c].criticalSince, let after = checks[c].reapAfter else { continue }
                    if now - since > after {
                        let check = state.services[s].endpoint(id)?.registration?.checks[c].id ?? "?"
                        reap.append((EndpointRef(service: services[s].name, endpoint: id),
                                     "check \(check) critical for more than \(MeshDuration.format(after)) (DeregisterCriticalServiceAfter)"))
                        break
                    }
                    next = min(next, since + after)
                }
            }
        }
        checkDeadline = next
        for (ref, reason) in reap { remove(ref, reason: reason, now: now) }
    }

    /// Consul's words for a lapsed TTL, with the last report's output (`CheckTTL.getExpiredOutput`).
    private func expiredOutput(_ s: Int, _ id: String, _ c: Int) -> String {
        let last = state.services[s].endpoint(id)?.registration?.checks[c].output ?? ""
        return last.isEmpty || last.hasPrefix("TTL expired") ? "TTL expired" : "TTL expired (last output before timeout follows): \(last)"
    }
}
