import Testing
import MeshConfig
import MeshCore
@testable import MeshSim

@Suite struct SimulatorTests {
    static func zoneOutage(seed: UInt64 = 42, rps: Int = 500, timeline: Bool = true) throws -> Scenario {
        try Scenario.parse(yaml: """
            name: Zone A outage
            seed: \(seed)
            duration: 60s
            services:
              - name: checkout
                balancer: p2c-ewma
                health: {interval: 1s, timeout: 500ms, healthy_threshold: 2, unhealthy_threshold: 3}
                zones: [a, b]
                endpoints:
                  - {id: a1, zone: a, latency: {p50: 20ms, p99: 80ms}, error_rate: 0.001, capacity: 400}
                  - {id: a2, zone: a, latency: {p50: 20ms, p99: 80ms}, error_rate: 0.001, capacity: 400}
                  - {id: b1, zone: b, latency: {p50: 20ms, p99: 80ms}, error_rate: 0.001, capacity: 400}
                  - {id: b2, zone: b, latency: {p50: 20ms, p99: 80ms}, error_rate: 0.001, capacity: 400}
            traffic:
              - {service: checkout, rps: \(rps)}
            """ + (timeline ? """

            timeline:
              - {at: 20s, action: crash, target: zone:a}
              - {at: 40s, action: recover, target: zone:a}
            """ : ""), file: "test.yaml")
    }

    func run(_ scenario: Scenario, to t: Double) -> (Simulator, [MeshEvent]) {
        let sim = Simulator(scenario: scenario)
        var events: [MeshEvent] = []
        sim.onEvent = { events.append($0) }
        sim.start()
        sim.advance(to: t)
        return (sim, events)
    }

    func rps(_ events: [MeshEvent], _ id: String, from: Double, to: Double) -> Double {
        events.filter { $0.t > from && $0.t <= to }.reduce(0) { total, e in
            guard case .sample(let s) = e.body else { return total }
            return total + (s.endpoints.first { $0.endpoint.endpoint == id }?.load.rps ?? 0)
        }
    }

    @Test func crashedZoneGetsNoTrafficAfterChecksFailAndFailsOver() throws {
        let (sim, events) = run(try Self.zoneOutage(), to: 60)
        // Before the crash zone a takes the traffic; after 3 failed checks (3 s + jitter) it takes none.
        #expect(rps(events, "a1", from: 5, to: 20) > 100)
        #expect(rps(events, "b1", from: 5, to: 20) == 0)
        #expect(rps(events, "a1", from: 25, to: 40) == 0)
        #expect(rps(events, "b1", from: 25, to: 40) > 100)
        let failovers = events.compactMap { e -> Failover? in if case .failover(let f) = e.body { f } else { nil } }
        #expect(failovers.contains { $0.to == "b" && $0.t(in: events) >= 20 })
        #expect(failovers.last?.to == "a")
        #expect(sim.engine.state.endpoint(EndpointRef(service: "checkout", endpoint: "a1"))?.state == .healthy)
        #expect(sim.requestsSimulated > 25_000)
    }

    @Test func sameSeedSameEventsDifferentSeedDifferent() throws {
        let a = run(try Self.zoneOutage(seed: 7), to: 30).1
        let b = run(try Self.zoneOutage(seed: 7), to: 30).1
        let c = run(try Self.zoneOutage(seed: 8), to: 30).1
        #expect(a == b)
        #expect(a != c)
    }

    @Test func latencyModelMatchesItsPercentiles() {
        var random = SeededRandom(seed: 1)
        let model = LatencyModel(p50: 0.02, p99: 0.08)
        var histogram = LatencyHistogram()
        for _ in 0..<200_000 { histogram.record(model.sample(&random)) }
        #expect(abs(histogram.quantile(0.5) - 0.02) / 0.02 < 0.15)
        #expect(abs(histogram.quantile(0.99) - 0.08) / 0.08 < 0.15)
    }

    @Test func pairedNormalDrawsAreStandardAndFitTheModel() {
        var random = SeededRandom(seed: 2)
        var normals = NormalDraws()
        var sum = 0.0, squares = 0.0, lag = 0.0, previous = 0.0
        let n = 200_000
        let model = LatencyModel(p50: 0.02, p99: 0.08)
        var histogram = LatencyHistogram()
        for k in 0..<n {
            let z = normals.next(&random)
            sum += z; squares += z * z
            if k > 0 { lag += z * previous }
            previous = z
            histogram.record(model.sample(standardNormal: z))
        }
        #expect(abs(sum / Double(n)) < 0.01)
        #expect(abs(squares / Double(n) - 1) < 0.02)
        // The two halves of a pair are independent: no correlation from one draw to the next.
        #expect(abs(lag / Double(n)) < 0.01)
        #expect(abs(histogram.quantile(0.5) - 0.02) / 0.02 < 0.15)
        #expect(abs(histogram.quantile(0.99) - 0.08) / 0.08 < 0.15)
    }

    @Test func samplesCarryEveryRequestInTheirLatencyBuckets() throws {
        let (_, events) = run(try Self.zoneOutage(), to: 12)
        var last = 0.0, checked = 0
        for event in events {
            guard case .sample(let sample) = event.body else { continue }
            defer { last = event.t }
            for entry in sample.endpoints {
                let requests = (entry.load.rps * (event.t - last)).rounded()
                guard requests > 0 else { #expect(entry.load.latency == nil); continue }
                let latency = try #require(entry.load.latency)
                #expect(Double(latency.count) == requests)
                // The window's median falls in the bucket where half the requests are reached.
                var seen: UInt64 = 0
                let half = latency.buckets.firstIndex { seen += UInt64($0); return Double(seen) >= requests / 2 }!
                #expect(half == LatencyWindow.bucket(of: entry.load.p50))
                #expect(latency.sum > 0 && latency.sum / requests <= entry.load.p99 * 2)
                checked += 1
            }
        }
        #expect(checked > 5)
    }

    @Test func eventQueuePopsInTimeThenSchedulingOrder() {
        var queue = EventQueue()
        var random = SeededRandom(seed: 3)
        for i in 0..<1000 {
            queue.schedule(SimEvent(time: Double(random.below(50)), order: 0, kind: .tick, service: 0, slot: Int32(i), success: true, value: 0))
        }
        var last = (time: -1.0, slot: Int32(-1))
        while let e = queue.pop() {
            #expect(e.time > last.time || (e.time == last.time && e.slot > last.slot))
            last = (e.time, e.slot)
        }
    }

    @Test func overloadQueuesThenTimesOut() throws {
        let (_, events) = run(try Self.zoneOutage(rps: 3000, timeline: false), to: 20)
        let p99s = events.compactMap { e -> Double? in
            guard e.t > 10, case .sample(let s) = e.body else { return nil }
            return s.endpoints.map(\.load.p99).max()
        }
        // 3000 rps into 2 × 400 rps of zone a (then more): queues build far past the 80 ms p99.
        #expect((p99s.max() ?? 0) > 0.5)
    }
}

extension Failover {
    func t(in events: [MeshEvent]) -> Double {
        events.first { if case .failover(let f) = $0.body { f == self } else { false } }?.t ?? -1
    }
}
