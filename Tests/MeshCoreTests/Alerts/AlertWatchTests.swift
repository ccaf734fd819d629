import Testing
@testable import MeshCore

/// Alerts fire once when a condition has held for its `for:`, resolve once when it stops, and
/// say nothing about subjects without traffic.
@Suite struct AlertWatchTests {
    let web = EndpointRef(service: "web", endpoint: "w1")

    func mesh(rps: Double = 100, errors: Double = 0, p99: Double = 0.05, failover: String? = nil, panic: Bool = false) -> MeshState {
        var service = Service(name: "web", zones: ["a", "b"], endpoints: [Endpoint(id: "w1", zone: "a", state: .healthy)])
        service.failoverZone = failover
        service.panic = panic
        var state = MeshState(name: "t", services: [service])
        state.apply(MeshEvent(seq: 1, t: 0, body: .sample(LoadSample(endpoints: [
            .init(endpoint: web, load: EndpointLoad(rps: rps, active: 1, p50: 0.01, p99: p99, errors: errors)),
        ]))))
        return state
    }

    @Test func firesAfterHoldingForItsDurationAndResolvesOnce() {
        var watch = AlertWatch(rules: [AlertRule(name: "low-success", selector: .service("*"),
                                                 condition: .threshold(.successRate, .less, 99), holdFor: 30, severity: .critical)])
        #expect(watch.evaluate(mesh(errors: 5), now: 10).isEmpty)         // starts holding
        #expect(watch.evaluate(mesh(errors: 5), now: 39).isEmpty)         // 29 s: not yet
        let fired = watch.evaluate(mesh(errors: 5), now: 40)
        #expect(fired == [AlertChange(name: "low-success", severity: .critical, state: .firing, subject: "web", value: 95)])
        #expect(watch.evaluate(mesh(errors: 5), now: 41).isEmpty)         // once
        let resolved = watch.evaluate(mesh(errors: 0), now: 42)
        #expect(resolved.map(\.state) == [.resolved])
        #expect(watch.evaluate(mesh(errors: 0), now: 43).isEmpty)
    }

    @Test func aBreakInTheConditionRestartsTheClock() {
        var watch = AlertWatch(rules: [AlertRule(name: "slow", selector: .service("web"),
                                                 condition: .threshold(.p99, .greater, 0.5), holdFor: 60, severity: .warning)])
        _ = watch.evaluate(mesh(p99: 0.8), now: 0)
        _ = watch.evaluate(mesh(p99: 0.1), now: 30)
        #expect(watch.evaluate(mesh(p99: 0.8), now: 61).isEmpty)
        #expect(watch.evaluate(mesh(p99: 0.8), now: 121).map(\.state) == [.firing])
    }

    @Test func noTrafficIsNotFailure() {
        var watch = AlertWatch(rules: AlertRule.defaults)
        for t in stride(from: 0.0, through: 120, by: 1) { #expect(watch.evaluate(mesh(rps: 0), now: t).isEmpty) }
    }

    @Test func failoverAndPanicFireAtOnce() {
        var watch = AlertWatch(rules: AlertRule.defaults)
        let fired = watch.evaluate(mesh(failover: "b", panic: true), now: 5)
        #expect(Set(fired.map(\.name)) == ["failover", "panic"])
        #expect(fired.allSatisfy { $0.state == .firing && $0.subject == "web" })
        #expect(Set(watch.evaluate(mesh(), now: 6).map(\.name)) == ["failover", "panic"])
    }

    @Test func flappingCountsStateChangesWithinItsWindow() {
        var watch = AlertWatch(rules: [AlertRule(name: "flapping", selector: .endpoint("*"),
                                                 condition: .threshold(.stateChanges, .greater, 4), within: 60, severity: .warning)])
        for (t, to) in [(1.0, EndpointState.unhealthy), (2, .healthy), (3, .unhealthy), (4, .healthy)] {
            watch.noteStateChange(flip(to), byOperator: false, at: t)
        }
        #expect(watch.evaluate(mesh(), now: 5).isEmpty)
        watch.noteStateChange(flip(.unhealthy), byOperator: false, at: 6)
        let fired = watch.evaluate(mesh(), now: 7)
        #expect(fired == [AlertChange(name: "flapping", severity: .warning, state: .firing, subject: "web/w1", value: 5)])
        // A minute later the early changes have left the window.
        #expect(watch.evaluate(mesh(), now: 62).map(\.state) == [.resolved])
    }

    func flip(_ to: EndpointState, from: EndpointState? = nil, _ reason: String = "3 checks failed") -> StateChange {
        StateChange(endpoint: web, from: from ?? (to == .healthy ? .unhealthy : .healthy), to: to, reason: reason)
    }

    /// A rolling deploy (drain, drained, kill, restore, first verdict) and a restore of an
    /// ejected endpoint are the operator's doing: none of them is a flap.
    @Test func operatorCausedChangesAreNotFlaps() {
        var watch = AlertWatch(rules: [AlertRule(name: "flapping", selector: .endpoint("*"),
                                                 condition: .threshold(.stateChanges, .greater, 1), within: 60, severity: .warning)])
        // (change, whether the engine says an operator's command caused it)
        let planned = [
            (flip(.draining, from: .healthy, "operator drain by api"), true),
            (flip(.drained, from: .draining, "drained: no requests in flight"), false),
            (flip(.killed, from: .drained, "operator kill by keyboard"), true),
            (flip(.unknown, from: .killed, "operator restore by keyboard"), true),
            (flip(.healthy, from: .unknown, "check passed"), false),
            (flip(.healthy, from: .ejected, "operator restore by keyboard"), true),
        ]
        for (i, (change, byOperator)) in planned.enumerated() {
            #expect(!change.isFlap(byOperator: byOperator), "\(change.from)→\(change.to) counted as a flap")
            watch.noteStateChange(change, byOperator: byOperator, at: Double(i))
        }
        #expect(watch.evaluate(mesh(), now: 10).isEmpty)
        // The cause decides, not the words: an ejection ending on its own is a change of verdict.
        #expect(flip(.healthy, from: .ejected, "operator restore by keyboard").isFlap(byOperator: false))
        // The same endpoint failing and passing on its own is.
        watch.noteStateChange(flip(.unhealthy), byOperator: false, at: 11)
        watch.noteStateChange(flip(.healthy, "2 checks passed"), byOperator: false, at: 12)
        #expect(watch.evaluate(mesh(), now: 13).map(\.name) == ["flapping"])
    }

    /// The default cert-expiry alert: a certificate from files within 7 days of expiry fires;
    /// one mesh-top issues and renews itself (tls: auto, a day long) does not.
    @Test func certificateExpiryFiresForCertificatesMeshTopDoesNotRenew() {
        func mesh(_ tls: EndpointTLS?) -> MeshState {
            var state = MeshState(name: "t", services: [Service(name: "web", endpoints: [Endpoint(id: "w1", state: .healthy)])])
            var load = EndpointLoad(rps: 10)
            load.tls = tls
            state.apply(MeshEvent(seq: 1, t: 0, body: .sample(LoadSample(endpoints: [.init(endpoint: web, load: load)]))))
            return state
        }
        var watch = AlertWatch(rules: AlertRule.defaults)
        #expect(watch.evaluate(mesh(EndpointTLS(mode: .mutual, expiresInDays: 0, managed: true)), now: 1).isEmpty)
        #expect(watch.evaluate(mesh(EndpointTLS(mode: .tls, expiresInDays: 30)), now: 2).isEmpty)
        #expect(watch.evaluate(mesh(nil), now: 3).isEmpty)
        #expect(watch.evaluate(mesh(EndpointTLS(mode: .tls, expiresInDays: 6)), now: 4)
                == [AlertChange(name: "cert-expiry", severity: .warning, state: .firing, subject: "web/w1", value: 6)])
        // Configurable: a rule of one's own with another number of days.
        let rule = AlertRule(name: "cert-expiry", selector: .endpoint("*"), condition: .threshold(.certExpiryDays, .less, 30), severity: .critical)
        var strict = AlertWatch(rules: [rule])
        #expect(strict.evaluate(mesh(EndpointTLS(mode: .tls, expiresInDays: 20)), now: 1).map(\.severity) == [.critical])
        #expect(AlertMetric(rawValue: "cert_expiry_days")?.value("14") == 14)
    }

    @Test func aSubjectThatLeavesResolves() {
        var watch = AlertWatch(rules: AlertRule.defaults)
        _ = watch.evaluate(mesh(failover: "b"), now: 1)
        let gone = watch.evaluate(MeshState(name: "t", services: []), now: 2)
        #expect(gone.map(\.state) == [.resolved])
    }

    @Test func theEngineEmitsAlertEventsFromItsSamples() {
        let mesh = MeshState(name: "t", services: [Service(name: "web", endpoints: [Endpoint(id: "w1")])])
        let engine = TestEngine(MeshEngine(mesh: mesh, policies: ["web": ServicePolicy(health: HealthPolicy(kind: .none))]))
        engine.alertRules = [AlertRule(name: "busy", selector: .endpoint("web/*"), condition: .threshold(.rps, .greater, 10), severity: .info)]
        engine.start(now: 0)
        engine.recordSample([.init(endpoint: web, load: EndpointLoad(rps: 50))], now: 1)
        engine.recordSample([.init(endpoint: web, load: EndpointLoad(rps: 2))], now: 2)
        let alerts = engine.recorder.events.compactMap { if case .alert(let a) = $0.body { a } else { nil } }
        #expect(alerts.map(\.state) == [.firing, .resolved])
        #expect(engine.state.alerts.isEmpty)
    }
}
