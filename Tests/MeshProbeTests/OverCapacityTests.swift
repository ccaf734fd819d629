import MeshCore
import MeshProbe
import NIOCore
import Testing

/// A checker asked for far more checks than it can run stays honest: it falls behind and says
/// so, but never fails a healthy endpoint for its own backlog. No timings are asserted: the
/// demand (30,000 connects a second) is beyond any machine this runs on.
struct OverCapacityTests {
    @Test func healthyEndpointsStayUpWhenTheCheckerIsBehind() async throws {
        // Every answer closes its connection, so every check is a new connect.
        let server = try await TestServer(mode: .closing)
        let harness = CheckerHarness(maxConnecting: 8)
        let policy = HealthPolicy(kind: .http, path: "/health", interval: 0.01, timeout: 5)
        for slot in 0..<300 {
            harness.checker.add(HealthTarget(service: 0, slot: Int32(slot), address: server.address, policy: policy))
        }
        let results = try await harness.wait(for: 1_000, within: 120)
        let load = try await harness.checker.load().get()
        try await harness.stop()
        try await server.stop()

        #expect(results.count >= 1_000)
        let failed = results.filter { !$0.passed }
        #expect(failed.isEmpty, "\(failed.count) failed, first: \(failed.first?.detail ?? "")")
        #expect(load.lateChecks > 0, "the checker never said it was behind: \(load)")
        #expect(load.connectsStarted >= results.count)
    }
}
