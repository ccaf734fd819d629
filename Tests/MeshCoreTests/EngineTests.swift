import Testing
@testable import MeshCore

@Suite struct EngineTests {
    /// web: a1, a2 in zone a; b1, b2 in zone b. Checks need 2 passes to rise, 3 failures to fall.
    func engine(zones: [String] = ["a", "b"], outlier: OutlierPolicy? = OutlierPolicy(),
                panic: Double = 50) -> (TestEngine, Recorder) {
        let mesh = MeshState(name: "t", services: [Service(name: "web", endpoints: [
            Endpoint(id: "a1", zone: "a"), Endpoint(id: "a2", zone: "a"),
            Endpoint(id: "b1", zone: "b"), Endpoint(id: "b2", zone: "b"),
        ])])
        let policy = ServicePolicy(balancer: .roundRobin, outlier: outlier, panicThreshold: panic, drainTimeout: 30, zones: zones)
        let engine = TestEngine(MeshEngine(mesh: mesh, policies: ["web": policy]))
        engine.start(now: 0)
        return (engine, engine.recorder)
    }

    /// What the engine produced, in order: a test actuator.
    final class Recorder: MeshActuator {
        var events: [MeshEvent] = []
        var effects: [MeshEffect] = []
        var hostSets: [HostSet] { effects.compactMap { if case .publish(_, let hosts) = $0 { hosts } else { nil } } }
        func of(_ type: String) -> [MeshEvent] { events.filter { $0.type == type } }
        func record(_ event: MeshEvent) { events.append(event) }
        func perform(_ effect: MeshEffect) { effects.append(effect) }
    }

    func ref(_ id: String) -> EndpointRef { EndpointRef(service: "web", endpoint: id) }

    func checkAll(_ engine: TestEngine, passing: Set<String>, at now: Double) {
        for id in ["a1", "a2", "b1", "b2"] {
            let (s, slot) = engine.locate(ref(id))!
            engine.healthCheck(service: s, slot: slot, passed: passing.contains(id), now: now)
        }
    }

    func slots(_ set: HostSet) -> Set<Int32> { Set(set.groups.flatMap { $0.hosts.map(\.slot) }) }

    @Test func firstPassMakesHealthyAndTrafficStaysInPreferredZone() {
        let (engine, recorder) = engine()
        checkAll(engine, passing: ["a1", "a2", "b1", "b2"], at: 1)
        #expect(engine.state.endpoint(ref("a1"))?.state == .healthy)
        #expect(recorder.of("endpoint.state").count == 4)
        #expect(slots(engine.hostSet(ofService: 0)) == [0, 1])
    }

    /// Checks are spread over the first interval: zone b hearing its first pass before zone a
    /// must not fail over to b and back. A zone still unheard of after the first round does.
    @Test func firstRoundOfChecksDoesNotFailOverBackAndForth() {
        let (engine, recorder) = engine()
        let (s, b1) = engine.locate(ref("b1"))!
        engine.healthCheck(service: s, slot: b1, passed: true, now: 0.2)
        let (_, a1) = engine.locate(ref("a1"))!
        engine.healthCheck(service: s, slot: a1, passed: true, now: 0.7)
        #expect(recorder.of("failover").isEmpty)
        #expect(slots(engine.hostSet(ofService: 0)) == [0])

        let (late, lateRecorder) = self.engine()
        late.healthCheck(service: s, slot: b1, passed: true, now: 0.2)
        late.tick(now: 1.0)
        #expect(lateRecorder.of("failover").isEmpty)
        late.tick(now: 1.6)      // interval 1s + timeout 0.5s: the first round is over
        #expect(lateRecorder.of("failover").count == 1)
        #expect(slots(late.hostSet(ofService: 0)) == [2])
    }

    @Test func zoneOutageFailsOverAndBack() throws {
        let (engine, recorder) = engine()
        checkAll(engine, passing: ["a1", "a2", "b1", "b2"], at: 1)
        for t in 2...4 { checkAll(engine, passing: ["b1", "b2"], at: Double(t)) }
        #expect(engine.state.endpoint(ref("a1"))?.state == .unhealthy)
        let failover = try #require(recorder.of("failover").last)
        guard case .failover(let f) = failover.body else { Issue.record("not a failover"); return }
        #expect(f.from.hasPrefix("a") && f.to == "b")
        #expect(engine.state.service("web")?.failoverZone == "b")
        #expect(slots(engine.hostSet(ofService: 0)) == [2, 3])
        for t in 5...6 { checkAll(engine, passing: ["a1", "a2", "b1", "b2"], at: Double(t)) }
        #expect(engine.state.service("web")?.failoverZone == nil)
        #expect(slots(engine.hostSet(ofService: 0)) == [0, 1])
    }

    @Test func panicBelowThresholdUsesEveryEndpoint() {
        let (engine, recorder) = engine(zones: [])
        checkAll(engine, passing: ["a1", "a2", "b1", "b2"], at: 1)
        for t in 2...4 { checkAll(engine, passing: ["b1"], at: Double(t)) }
        #expect(engine.state.service("web")?.panic == true)
        #expect(recorder.of("panic").count == 1)
        #expect(slots(engine.hostSet(ofService: 0)) == [0, 1, 2, 3])
    }

    @Test func drainStopsNewTrafficAndEndsWhenIdleOrOnTimeout() throws {
        let (engine, recorder) = engine(zones: [])
        checkAll(engine, passing: ["a1", "a2", "b1", "b2"], at: 1)
        try engine.operate(OperatorCommand(action: .drain, target: ref("a1"), by: "test"), now: 2)
        #expect(engine.state.endpoint(ref("a1"))?.state == .draining)
        #expect(!slots(engine.hostSet(ofService: 0)).contains(0))
        #expect(recorder.of("operator").count == 1)
        // Still busy: stays draining.
        engine.recordSample([.init(endpoint: ref("a1"), load: EndpointLoad(rps: 1, active: 3))], now: 3)
        #expect(engine.state.endpoint(ref("a1"))?.state == .draining)
        engine.recordSample([.init(endpoint: ref("a1"), load: EndpointLoad(active: 0))], now: 4)
        #expect(engine.state.endpoint(ref("a1"))?.state == .drained)
        // A second drain, left busy, ends at the timeout.
        try engine.operate(OperatorCommand(action: .drain, target: ref("a2"), by: "test"), now: 5)
        engine.tick(now: 34)
        #expect(engine.state.endpoint(ref("a2"))?.state == .draining)
        engine.tick(now: 35)
        #expect(engine.state.endpoint(ref("a2"))?.state == .drained)
        #expect(throws: OperatorError.self) {
            try engine.operate(OperatorCommand(action: .drain, target: ref("a2"), by: "test"), now: 36)
        }
    }

    @Test func killStopsChecksAndRestoreComesBackThroughChecks() throws {
        let (engine, _) = engine(zones: [])
        checkAll(engine, passing: ["a1", "a2", "b1", "b2"], at: 1)
        try engine.operate(OperatorCommand(action: .kill, target: ref("b2"), by: "test"), now: 2)
        checkAll(engine, passing: ["a1", "a2", "b1", "b2"], at: 3)
        #expect(engine.state.endpoint(ref("b2"))?.state == .killed)
        #expect(!slots(engine.hostSet(ofService: 0)).contains(3))
        try engine.operate(OperatorCommand(action: .restore, target: ref("b2"), by: "test"), now: 4)
        #expect(engine.state.endpoint(ref("b2"))?.state == .unknown)
        checkAll(engine, passing: ["a1", "a2", "b1", "b2"], at: 5)
        #expect(engine.state.endpoint(ref("b2"))?.state == .healthy)
        #expect(slots(engine.hostSet(ofService: 0)).contains(3))
    }

    @Test func weightChangesReachTheHostSet() throws {
        let (engine, _) = engine(zones: [])
        checkAll(engine, passing: ["a1", "a2", "b1", "b2"], at: 1)
        try engine.operate(OperatorCommand(action: .weight, target: ref("a1"), by: "test", weight: 300), now: 2)
        #expect(engine.state.endpoint(ref("a1"))?.weight == 300)
        let host = engine.hostSet(ofService: 0).groups[0].hosts.first { $0.slot == 0 }
        let other = engine.hostSet(ofService: 0).groups[0].hosts.first { $0.slot == 1 }
        #expect(host!.weight == 3 * other!.weight)
        #expect(throws: OperatorError.badWeight(-1)) {
            try engine.operate(OperatorCommand(action: .weight, target: ref("a1"), by: "test", weight: -1), now: 3)
        }
        #expect(throws: OperatorError.unknownEndpoint(ref("zz"))) {
            try engine.operate(OperatorCommand(action: .kill, target: ref("zz"), by: "test"), now: 3)
        }
    }

    @Test func consecutiveFailuresEjectAndTheEjectionEnds() {
        let (engine, _) = engine(zones: [], outlier: OutlierPolicy(consecutiveFailures: 5, baseEjection: 30, maxEjection: 300, maxEjectionPercent: 50))
        checkAll(engine, passing: ["a1", "a2", "b1", "b2"], at: 1)
        for _ in 0..<4 { engine.requestFinished(service: 0, slot: 2, success: false, now: 2) }
        #expect(engine.state.endpoint(ref("b1"))?.state == .healthy)
        engine.requestFinished(service: 0, slot: 2, success: false, now: 2)
        #expect(engine.state.endpoint(ref("b1"))?.state == .ejected)
        #expect(!slots(engine.hostSet(ofService: 0)).contains(2))
        engine.tick(now: 31)
        #expect(engine.state.endpoint(ref("b1"))?.state == .ejected)
        engine.tick(now: 32)
        #expect(engine.state.endpoint(ref("b1"))?.state == .healthy)
        #expect(slots(engine.hostSet(ofService: 0)).contains(2))
    }

    @Test func registrationAddsToRotationAndDeregistrationRemoves() throws {
        let (engine, recorder) = engine(zones: [])
        checkAll(engine, passing: ["a1", "a2", "b1", "b2"], at: 1)
        engine.register(service: "web", endpoint: Endpoint(id: "c1", zone: "a"), now: 2)
        let (s, slot) = try #require(engine.locate(ref("c1")))
        engine.healthCheck(service: s, slot: slot, passed: true, now: 3)
        #expect(slots(engine.hostSet(ofService: 0)).contains(slot))
        try engine.deregister(ref("c1"), now: 4)
        #expect(!slots(engine.hostSet(ofService: 0)).contains(slot))
        #expect(engine.state.endpoint(ref("c1")) == nil)
        #expect(recorder.of("registry").count == 2)
    }

    @Test func replayingTheEventsGivesTheSameState() throws {
        let (engine, recorder) = engine()
        let initial = engine.state
        checkAll(engine, passing: ["a1", "a2", "b1", "b2"], at: 1)
        for t in 2...4 { checkAll(engine, passing: ["b1", "b2"], at: Double(t)) }
        try engine.operate(OperatorCommand(action: .drain, target: ref("b1"), by: "test"), now: 5)
        engine.tick(now: 11)
        var replayed = initial
        for event in recorder.events { replayed.apply(event) }
        #expect(replayed.services == engine.state.services)
        #expect(recorder.of("keyframe").count == 1)
    }
}
