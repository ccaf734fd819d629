import Testing
@testable import MeshCore

/// What the engine asks of the data plane, as typed effects: the same for the simulator and the
/// live mesh, and never read back out of an event's words.
@Suite struct EngineEffectTests {
    let base = EngineTests()

    func target(_ engine: TestEngine, _ id: String) -> EndpointSlot {
        let (s, slot) = engine.locate(base.ref(id))!
        return EndpointSlot(ref: base.ref(id), service: s, slot: slot)
    }

    /// The effects an input produced, without the host sets it published.
    func effects(_ recorder: EngineTests.Recorder, after count: Int) -> [MeshEffect] {
        recorder.effects.dropFirst(count).filter { if case .publish = $0 { false } else { true } }
    }

    @Test func killStopsTheProcessResetsConnectionsAndPausesChecks() throws {
        let (engine, recorder) = base.engine(zones: [])
        base.checkAll(engine, passing: ["a1", "a2", "b1", "b2"], at: 1)
        let b2 = target(engine, "b2")
        var seen = recorder.effects.count
        try engine.operate(OperatorCommand(action: .kill, target: b2.ref, by: "test"), now: 2)
        #expect(effects(recorder, after: seen) == [.pauseChecks(b2), .stopProcess(b2), .resetConnections(b2)])
        #expect(recorder.effects.dropFirst(seen).contains { if case .publish = $0 { true } else { false } })
        seen = recorder.effects.count
        try engine.operate(OperatorCommand(action: .restore, target: b2.ref, by: "test"), now: 3)
        #expect(effects(recorder, after: seen) == [.startProcess(b2), .resumeChecks(b2), .admit(b2)])
    }

    @Test func drainIsGracefulAndOnlyItsTimeoutResetsConnections() throws {
        let (engine, recorder) = base.engine(zones: [])
        base.checkAll(engine, passing: ["a1", "a2", "b1", "b2"], at: 1)
        let (a1, a2) = (target(engine, "a1"), target(engine, "a2"))
        var seen = recorder.effects.count
        try engine.operate(OperatorCommand(action: .drain, target: a1.ref, by: "test"), now: 2)
        #expect(effects(recorder, after: seen) == [.drain(a1)])
        // Idle: drained with nothing to close.
        seen = recorder.effects.count
        engine.recordSample([.init(endpoint: a1.ref, load: EndpointLoad(active: 0))], now: 3)
        #expect(engine.state.endpoint(a1.ref)?.state == .drained)
        #expect(effects(recorder, after: seen).isEmpty)
        // Still busy at drain_timeout (30 s): what is left is reset.
        try engine.operate(OperatorCommand(action: .drain, target: a2.ref, by: "test"), now: 4)
        seen = recorder.effects.count
        engine.tick(now: 34)
        #expect(engine.state.endpoint(a2.ref)?.state == .drained)
        #expect(effects(recorder, after: seen) == [.resetConnections(a2)])
        // A restore of a drained endpoint admits it; nothing was stopped.
        seen = recorder.effects.count
        try engine.operate(OperatorCommand(action: .restore, target: a2.ref, by: "test"), now: 35)
        #expect(effects(recorder, after: seen) == [.admit(a2)])
    }

    /// Restoring an ejected endpoint is the operator's doing, which the engine knows (not from
    /// the reason's words): twice in a minute raises no `flapping`; the same changes on their own
    /// (ejections that end) do.
    @Test func anOperatorsRestoreOfAnEjectedEndpointIsNoFlap() throws {
        let flapping = AlertRule(name: "flapping", selector: .endpoint("*"),
                                 condition: .threshold(.stateChanges, .greater, 2), within: 60, severity: .warning)
        func eject(_ engine: TestEngine, at now: Double) {
            for _ in 0..<5 { engine.requestFinished(service: 0, slot: 2, success: false, now: now) }
            #expect(engine.state.endpoint(base.ref("b1"))?.state == .ejected)
        }
        func alerts(_ recorder: EngineTests.Recorder) -> [String] {
            recorder.of("alert").compactMap { if case .alert(let a) = $0.body { "\(a.name) \(a.state.rawValue)" } else { nil } }
        }
        let outlier = OutlierPolicy(consecutiveFailures: 5, baseEjection: 1, maxEjection: 1, maxEjectionPercent: 50)
        let (restored, byHand) = base.engine(zones: [], outlier: outlier)
        restored.alertRules = [flapping]
        base.checkAll(restored, passing: ["a1", "a2", "b1", "b2"], at: 1)
        for round in 0..<2 {
            eject(restored, at: 2 + Double(round) * 0.5)
            try restored.operate(OperatorCommand(action: .restore, target: base.ref("b1"), by: "test"), now: 2.2 + Double(round) * 0.5)
        }
        restored.recordSample([], now: 4)
        #expect(alerts(byHand).isEmpty)
        let (lapsed, onItsOwn) = base.engine(zones: [], outlier: outlier)
        lapsed.alertRules = [flapping]
        base.checkAll(lapsed, passing: ["a1", "a2", "b1", "b2"], at: 1)
        for round in 0..<2 {
            eject(lapsed, at: 2 + Double(round) * 2)
            lapsed.tick(now: 3.5 + Double(round) * 2)
            #expect(lapsed.state.endpoint(base.ref("b1"))?.state == .healthy)
        }
        lapsed.recordSample([], now: 6)
        #expect(alerts(onItsOwn) == ["flapping firing"])
    }

    @Test func registrationsAttachAndDeregistrationsDetach() throws {
        let (engine, recorder) = base.engine(zones: [])
        var seen = recorder.effects.count
        try engine.apply(.register(service: "web", endpoint: Endpoint(id: "c1", zone: "a", registration: Registration())), now: 1)
        let c1 = target(engine, "c1")
        #expect(effects(recorder, after: seen) == [.attach(c1)])
        // Killed, then registered again: attached, and still unchecked.
        try engine.operate(OperatorCommand(action: .kill, target: c1.ref, by: "test"), now: 2)
        seen = recorder.effects.count
        try engine.apply(.register(service: "web", endpoint: Endpoint(id: "c1", registration: Registration())), now: 3)
        #expect(effects(recorder, after: seen) == [.attach(c1), .pauseChecks(c1)])
        #expect(engine.state.endpoint(c1.ref)?.state == .killed)
        seen = recorder.effects.count
        try engine.deregister(c1.ref, now: 4)
        #expect(effects(recorder, after: seen) == [.detach(c1)])
    }

    @Test func aRefusedCommandProducesNothing() {
        let (engine, recorder) = base.engine(zones: [])
        let seen = (recorder.events.count, recorder.effects.count)
        #expect(throws: OperatorError.notApplicable(base.ref("a1"), .unknown, "restore")) {
            try engine.operate(OperatorCommand(action: .restore, target: base.ref("a1"), by: "test"), now: 1)
        }
        #expect(recorder.events.count == seen.0 && recorder.effects.count == seen.1)
    }
}
