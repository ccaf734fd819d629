import Testing
import MeshConfig
import MeshCore
@testable import MeshSim

/// What samples tell beyond the endpoints' loads: the service as clients see it (requests, not
/// attempts), the balancer's picks, check marks and the outlier record.
@Suite struct SimulatorDetailTests {
    /// Four endpoints, one failing half its requests: retries go elsewhere.
    func flaky(balancer: String = "least-request") throws -> Scenario {
        try Scenario.parse(yaml: """
            name: flaky
            seed: 5
            duration: 30s
            services:
              - name: api
                balancer: \(balancer)
                retries: 2
                health: {interval: 1s, timeout: 500ms}
                outlier: {consecutive_failures: 50, base_ejection: 10s, max_ejection: 60s, max_ejection_percent: 50}
                endpoints:
                  - {id: a1, latency: {p50: 20ms, p99: 80ms}}
                  - {id: a2, latency: {p50: 20ms, p99: 80ms}}
                  - {id: a3, latency: {p50: 20ms, p99: 80ms}}
                  - {id: bad, latency: {p50: 20ms, p99: 80ms}, error_rate: 0.5}
            traffic:
              - {service: api, rps: 400}
            """, file: "flaky.yaml")
    }

    func samples(_ scenario: Scenario, until t: Double) -> [LoadSample] {
        let simulator = Simulator(scenario: scenario)
        var samples: [LoadSample] = []
        simulator.onEvent = { if case .sample(let s) = $0.body { samples.append(s) } }
        simulator.start()
        simulator.advance(to: t)
        return samples
    }

    @Test func servicesCountRequestsNotAttempts() throws {
        let all = samples(try flaky(), until: 20)
        let later = all.dropFirst(5)
        let requests = later.map { $0.services?.first?.rps ?? 0 }.reduce(0, +) / Double(later.count)
        let retries = later.map { $0.services?.first?.retries ?? 0 }.reduce(0, +) / Double(later.count)
        let attempts = later.map { $0.endpoints.reduce(0) { $0 + $1.load.rps } }.reduce(0, +) / Double(later.count)
        // Clients send 400/s; the endpoints see those plus the retries of bad's failures.
        #expect(abs(requests - 400) < 40, "client requests/s \(requests)")
        #expect(retries > 20, "retries/s \(retries)")
        #expect(abs(attempts - (requests + retries)) < attempts * 0.05, "attempts \(attempts) = requests \(requests) + retries \(retries)")
        // Retries to healthy endpoints save most requests: clients see far fewer failures than bad's.
        let clientErrors = later.map { $0.services?.first?.errors ?? 0 }.reduce(0, +)
        let attemptErrors = later.map { $0.endpoints.reduce(0) { $0 + $1.load.errors } }.reduce(0, +)
        #expect(clientErrors < attemptErrors / 5)
        // The state's service numbers are the clients'.
        var state = Simulator.mesh(of: try flaky())
        for (i, s) in all.enumerated() { state.apply(MeshEvent(seq: UInt64(i + 1), t: Double(i + 1), body: .sample(s))) }
        #expect(state.services[0].clientLoad.rps == all.last?.services?.first?.rps)
        #expect(state.services[0].load.rps > state.services[0].clientLoad.rps)
    }

    @Test func powerOfTwoPicksNameBothCandidatesAndTheLowerScoreWins() throws {
        for kind in ["least-request", "p2c-ewma"] {
            let last = try #require(samples(try flaky(balancer: kind), until: 10).last)
            let picks = try #require(last.services?.first?.picks, "\(kind): no picks")
            #expect(!picks.isEmpty && picks.count <= 8)
            for pick in picks {
                #expect(pick.candidates.count == 2 && pick.candidates[0] != pick.candidates[1])
                #expect(pick.candidates.contains(pick.picked))
                let mine = pick.scores[pick.candidates.firstIndex(of: pick.picked)!]
                #expect(mine <= pick.scores.max()!, "\(kind): picked the higher score in \(pick)")
            }
        }
        // Other balancers compare no pair.
        let roundRobin = try #require(samples(try flaky(balancer: "round-robin"), until: 5).last)
        #expect(roundRobin.services?.first?.picks == nil)
    }

    @Test func checkMarksAndOutlierRecordsReachTheState() throws {
        var scenario = try flaky()
        scenario.timeline = [TimelineStep(at: 5, action: .crash, target: .endpoint(EndpointRef(service: "api", endpoint: "a1")))]
        let all = samples(scenario, until: 12)
        var state = Simulator.mesh(of: scenario)
        for (i, s) in all.enumerated() { state.apply(MeshEvent(seq: UInt64(i + 1), t: Double(i + 1), body: .sample(s))) }
        let a1 = try #require(state.endpoint(EndpointRef(service: "api", endpoint: "a1")))
        #expect(a1.checks.count >= 10)
        #expect(a1.checks.prefix(3).allSatisfy { $0.passed })
        // Crashed at 5 s: refused at once, every check since.
        let after = a1.checks.filter { $0.t > 5.5 }
        #expect(!after.isEmpty && after.allSatisfy { !$0.passed && $0.latency < 0.01 })
        #expect(a1.checks == a1.checks.sorted { $0.t < $1.t })
        let bad = try #require(state.endpoint(EndpointRef(service: "api", endpoint: "bad")))
        #expect(bad.load.outlier != nil)
        #expect(bad.latency?.count ?? 0 > 0, "the last window's histogram is kept")
    }
}
