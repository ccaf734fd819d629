import Testing
import MeshConfig
import MeshCore
@testable import MeshSim

/// The real balancers on the simulator, under the changes a mesh goes through.
@Suite struct BalancerEndToEndTests {
    /// Three endpoints at 20 rps; a fourth, just as fast, registers at 30 s.
    static func newcomer(_ balancer: String, slowStart: String? = nil) throws -> Scenario {
        try Scenario.parse(yaml: """
            name: new endpoint
            seed: 3
            duration: 300s
            services:
              - name: api
                balancer: \(balancer)
                health: {interval: 1s}
                outlier: false
            \(slowStart.map { "    slow_start: \($0)" } ?? "")
                endpoints:
                  - {id: e1, latency: {p50: 5ms, p99: 10ms}}
                  - {id: e2, latency: {p50: 5ms, p99: 10ms}}
                  - {id: e3, latency: {p50: 5ms, p99: 10ms}}
            traffic:
              - {service: api, rps: 20}
            timeline:
              - {at: 30s, action: register, target: api, endpoint: {id: e4, latency: {p50: 5ms, p99: 10ms}}}
            """, file: "newcomer.yaml")
    }

    func run(_ scenario: Scenario, to t: Double) -> [MeshEvent] {
        let sim = Simulator(scenario: scenario)
        var events: [MeshEvent] = []
        sim.onEvent = { events.append($0) }
        sim.start()
        sim.advance(to: t)
        return events
    }

    /// Requests per endpoint summed over the samples in (from, to].
    func totals(_ events: [MeshEvent], from: Double, to: Double) -> [String: Double] {
        var totals: [String: Double] = [:]
        for event in events where event.t > from && event.t <= to {
            guard case .sample(let s) = event.body else { continue }
            for entry in s.endpoints { totals[entry.endpoint.endpoint, default: 0] += entry.load.rps }
        }
        return totals
    }

    /// Case 07: the newcomer gets its quarter under every load-aware balancer.
    @Test(arguments: ["p2c-ewma", "least-request", "round-robin", "weighted-round-robin", "random"])
    func aNewcomerGetsItsShare(balancer: String) throws {
        let events = run(try Self.newcomer(balancer), to: 300)
        let totals = totals(events, from: 35, to: 300)
        let sum = totals.values.reduce(0, +)
        #expect(totals.count == 4)
        for (id, requests) in totals { #expect(requests / sum > 0.18, "\(balancer): \(id) \(totals)") }
    }

    /// Slow start ramps the newcomer under round-robin too (Envoy's round robin takes it).
    @Test(arguments: ["round-robin", "least-request", "p2c-ewma"])
    func slowStartRampsTheNewcomer(balancer: String) throws {
        let events = run(try Self.newcomer(balancer, slowStart: "60s"), to: 200)
        let early = totals(events, from: 32, to: 52), late = totals(events, from: 100, to: 200)
        let earlyShare = early["e4", default: 0] / early.values.reduce(0, +)
        let lateShare = late["e4", default: 0] / late.values.reduce(0, +)
        #expect(earlyShare < 0.15, "\(balancer): \(early)")
        #expect(lateShare > 0.18, "\(balancer): \(late)")
        // The view says it is ramping while it does.
        let ramping = events.contains { event in
            guard case .sample(let s) = event.body, event.t > 32, event.t < 80 else { return false }
            return s.endpoints.contains { $0.endpoint.endpoint == "e4" && ($0.load.balancer?.slowStart ?? 1) < 1 }
        }
        #expect(ramping)
    }

    @Test func samplesCarryTheBalancersView() throws {
        let events = run(try Self.newcomer("p2c-ewma"), to: 40)
        guard case .sample(let last)? = events.last(where: { $0.type == "sample" })?.body else {
            Issue.record("no sample"); return
        }
        let views = last.endpoints.compactMap(\.load.balancer)
        #expect(views.count == 4)
        #expect(abs(views.reduce(0) { $0 + $1.share } - 1) < 1e-9)
        #expect(views.allSatisfy { $0.weight == 10_000 && $0.latency != nil })
    }
}
