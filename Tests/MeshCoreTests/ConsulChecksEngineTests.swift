import Testing
@testable import MeshCore

/// Consul checks inside the engine: the weight a warning instance routes at, the events that
/// let a replay show every status, and the simulated run standing in for HTTP and TCP checks.
@Suite struct ConsulChecksEngineTests {
    let base = EngineTests()

    func registered(_ checks: [ServiceCheck], weight: Int = 100, warning: Int? = nil) throws -> (TestEngine, EngineTests.Recorder) {
        let (engine, recorder) = base.engine(zones: [])
        base.checkAll(engine, passing: ["a1", "a2", "b1", "b2"], at: 1)
        let endpoint = Endpoint(id: "c1", address: "127.0.0.1:9001", weight: weight,
                                registration: Registration(checks: checks, warningWeight: warning))
        try engine.apply(.register(service: "web", endpoint: endpoint), now: 2)
        return (engine, recorder)
    }

    func weight(_ engine: TestEngine, _ id: String) -> UInt32? {
        guard let (_, slot) = engine.locate(base.ref(id)) else { return nil }
        return engine.hostSet(ofService: 0).groups.flatMap(\.hosts).first { $0.slot == slot }?.weight
    }

    @Test func warningRoutesAtTheWarningWeightAndZeroTakesItOut() throws {
        let ttl = ServiceCheck(id: "beat", name: "beat", kind: .ttl, ttl: 30)
        let (engine, _) = try registered([ttl], weight: 200, warning: 20)
        #expect(weight(engine, "c1") == nil)
        try engine.apply(.updateCheck(id: "beat", status: .passing, output: ""), now: 3)
        #expect(weight(engine, "c1") == UInt32(200 * 100))
        try engine.apply(.updateCheck(id: "beat", status: .warning, output: "slow"), now: 4)
        #expect(engine.state.endpoint(base.ref("c1"))?.state == .healthy)
        #expect(weight(engine, "c1") == UInt32(20 * 100))
        // Without Weights, warning weighs as passing (Consul's 1:1).
        let (plain, _) = try registered([ttl])
        try plain.apply(.updateCheck(id: "beat", status: .warning, output: ""), now: 3)
        #expect(weight(plain, "c1") == UInt32(100 * 100))
        // Weights.Warning 0: a warning instance takes no traffic, as Envoy fed by Consul drops it.
        let (zero, _) = try registered([ttl], weight: 50, warning: 0)
        try zero.apply(.updateCheck(id: "beat", status: .warning, output: ""), now: 3)
        #expect(weight(zero, "c1") == nil)
    }

    /// A new instance's checks are critical by Consul's initial status: it is not checked yet
    /// (unknown) until one speaks, so a lone registration neither trips panic nor fails over.
    @Test func aNewRegistrationIsUnknownUntilItsChecksSpeak() throws {
        let (engine, recorder) = base.engine(zones: [])
        let http = ServiceCheck(id: "http", name: "http", kind: .http, target: "http://127.0.0.1:9001/", interval: 1, timeout: 1)
        try engine.apply(.register(service: "solo", endpoint: Endpoint(id: "s1", address: "127.0.0.1:9001",
                                                                       registration: Registration(checks: [http]))), now: 1)
        let solo = EndpointRef(service: "solo", endpoint: "s1")
        #expect(engine.state.endpoint(solo)?.state == .unknown)
        #expect(recorder.of("panic").isEmpty)
        // A failed run is heard: critical now means unhealthy, though the status did not move.
        let (s, slot) = try #require(engine.locate(solo))
        engine.checkResult(service: s, slot: slot, check: 0, status: .critical, output: "HTTP GET: refused", now: 2)
        #expect(engine.state.endpoint(solo)?.state == .unhealthy)
        engine.checkResult(service: s, slot: slot, check: 0, status: .passing, output: "HTTP GET: 2xx", now: 3)
        #expect(engine.state.endpoint(solo)?.state == .healthy)
    }

    @Test func checkEventsReplayToTheSameState() throws {
        let (engine, recorder) = base.engine(zones: [])
        let initial = engine.state
        let checks = [ServiceCheck(id: "beat", name: "beat", kind: .ttl, ttl: 10, deregisterCriticalAfter: 30),
                      ServiceCheck(id: "http", name: "http", kind: .http, target: "http://127.0.0.1:9001/", interval: 1, timeout: 1)]
        try engine.apply(.register(service: "web", endpoint: Endpoint(id: "c1", address: "127.0.0.1:9001",
                                                                      registration: Registration(checks: checks))), now: 1)
        try engine.apply(.updateCheck(id: "beat", status: .passing, output: "ok"), now: 2)
        let (s, slot) = try #require(engine.locate(base.ref("c1")))
        engine.checkResult(service: s, slot: slot, check: 1, status: .passing, output: "HTTP GET: 2xx", now: 2.5)
        engine.tick(now: 13)
        var replayed = initial
        for event in recorder.events { replayed.apply(event) }
        #expect(replayed.services == engine.state.services)
        let statuses = engine.state.endpoint(base.ref("c1"))?.registration?.checks.map(\.status)
        #expect(statuses == [.critical, .passing])
        #expect(recorder.of("check").count == 3)
        // Critical since the tick that saw the TTL lapse (13), raised to a minute: gone after 73.
        engine.tick(now: 73)
        #expect(engine.state.endpoint(base.ref("c1")) != nil)
        engine.tick(now: 73.5)
        #expect(engine.state.endpoint(base.ref("c1")) == nil)
    }

    @Test func aSimulatedRunStandsInForHTTPAndTCPChecksNotTTL() throws {
        let checks = [ServiceCheck(id: "beat", name: "beat", kind: .ttl, ttl: 30, status: .passing),
                      ServiceCheck(id: "tcp", name: "tcp", kind: .tcp, target: "127.0.0.1:9001", interval: 1, timeout: 1)]
        let (engine, _) = try registered(checks)
        let (s, slot) = try #require(engine.locate(base.ref("c1")))
        engine.healthCheck(service: s, slot: slot, passed: true, now: 3)
        #expect(engine.state.endpoint(base.ref("c1"))?.registration?.checks.map(\.status) == [.passing, .passing])
        engine.healthCheck(service: s, slot: slot, passed: false, now: 4)
        #expect(engine.state.endpoint(base.ref("c1"))?.registration?.checks.map(\.status) == [.passing, .critical])
        #expect(engine.state.endpoint(base.ref("c1"))?.state == .unhealthy)
    }

    @Test func aKilledEndpointsRunsAreIgnoredAndMaintenanceOfItIsRefused() throws {
        let http = ServiceCheck(id: "http", name: "http", kind: .http, target: "http://127.0.0.1:9001/", interval: 1, timeout: 1)
        let (engine, _) = try registered([http])
        try engine.operate(OperatorCommand(action: .kill, target: base.ref("c1"), by: "test"), now: 3)
        let (s, slot) = try #require(engine.locate(base.ref("c1")))
        engine.checkResult(service: s, slot: slot, check: 0, status: .passing, output: "", now: 4)
        #expect(engine.state.endpoint(base.ref("c1"))?.registration?.checks.first?.status == .critical)
        #expect(throws: OperatorError.notApplicable(base.ref("c1"), .killed, "end maintenance of")) {
            try engine.apply(.maintenance(id: "c1", enable: false, reason: ""), now: 5)
        }
        // Already out of rotation: maintenance on changes nothing, as Consul's second enable.
        try engine.apply(.maintenance(id: "c1", enable: true, reason: "x"), now: 5)
        #expect(engine.state.endpoint(base.ref("c1"))?.state == .killed)
    }
}
