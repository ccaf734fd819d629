import Testing
@testable import MeshCore

/// Failover events follow the spill between zones, not only its start and end.
@Suite struct FailoverSpillTests {
    /// Zone a with ten endpoints, zone b with five; one check decides an endpoint's health.
    func engine() -> (TestEngine, EngineTests.Recorder) {
        let endpoints = (0..<10).map { Endpoint(id: "a\($0)", zone: "a") } + (0..<5).map { Endpoint(id: "b\($0)", zone: "b") }
        let mesh = MeshState(name: "t", services: [Service(name: "web", endpoints: endpoints)])
        let health = HealthPolicy(healthyThreshold: 1, unhealthyThreshold: 1)
        let policy = ServicePolicy(balancer: .roundRobin, health: health, outlier: nil, panicThreshold: 0, zones: ["a", "b"])
        let engine = TestEngine(MeshEngine(mesh: mesh, policies: ["web": policy]))
        engine.start(now: 0)
        for e in endpoints { check(engine, e.id, passed: true, at: 1) }
        return (engine, engine.recorder)
    }

    func check(_ engine: TestEngine, _ id: String, passed: Bool, at now: Double) {
        let (s, slot) = engine.locate(EndpointRef(service: "web", endpoint: id))!
        engine.healthCheck(service: s, slot: slot, passed: passed, now: now)
    }

    func failovers(_ recorder: EngineTests.Recorder) -> [Failover] {
        recorder.of("failover").compactMap { if case .failover(let f) = $0.body { f } else { nil } }
    }

    @Test func aGrowingSpillIsAnnouncedEachTimeItMovesMaterially() {
        let (engine, recorder) = engine()
        #expect(failovers(recorder).isEmpty)
        // 9 and 8 of 10 healthy: × 1.4 still covers all of zone a's traffic.
        for (i, t) in zip(0..<6, 2...) { check(engine, "a\(i)", passed: false, at: Double(t)) }
        let events = failovers(recorder)
        // 7 healthy: spill starts (2%); 6: 16%; 5: 30%; 4: 44%.
        #expect(events.map(\.to) == ["a+b", "a+b", "a+b", "a+b"], "\(events)")
        #expect(events.first?.reason == "zone a degraded: 2% spills over")
        #expect(events.last?.reason == "zone a degraded: 44% spills over (was 30%)")
        #expect(engine.state.service("web")?.failoverZone == "a+b")
        // Recovery is news too, down to the end of the spill.
        for (i, t) in zip(0..<6, 20...) { check(engine, "a\(i)", passed: true, at: Double(t)) }
        let all = failovers(recorder)
        #expect(all.dropFirst(4).map(\.reason).contains("zone a recovering: 30% spills over (was 44%)"), "\(all)")
        #expect(all.last?.to == "a" && all.last?.reason == "zone a healthy again")
        #expect(engine.state.service("web")?.failoverZone == nil)
    }

    @Test func smallChangesOfTheSpillAreNotEvents() {
        let (engine, recorder) = engine()
        for (i, t) in zip(0..<4, 2...) { check(engine, "a\(i)", passed: false, at: Double(t)) }
        let count = failovers(recorder).count
        // One endpoint of zone b failing changes nothing in zone a's spill.
        check(engine, "b0", passed: false, at: 10)
        check(engine, "b0", passed: true, at: 11)
        #expect(failovers(recorder).count == count)
    }
}
