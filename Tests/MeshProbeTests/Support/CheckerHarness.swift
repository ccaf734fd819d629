import Foundation
import MeshProbe
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix

/// A checker on real event loops whose results land in a list the test can wait on. Results
/// are delivered on a separate "control" loop, as in `run`, so the cross-loop hop is exercised.
final class CheckerHarness: Sendable {
    let group = MultiThreadedEventLoopGroup(numberOfThreads: 2)
    let control = MultiThreadedEventLoopGroup(numberOfThreads: 1)
    let checker: HealthChecker
    private let results = NIOLockedValueBox<[(result: HealthCheckResult, at: Double)]>([])
    let started = CheckerHarness.now()

    init(maxConnecting: Int = HealthChecker.defaultMaxConnecting) {
        let results = self.results
        let control = control.next()
        checker = HealthChecker(group: group, resultsOn: control, maxConnecting: maxConnecting) { result in
            control.preconditionInEventLoop()
            results.withLockedValue { $0.append((result, CheckerHarness.now())) }
        }
    }

    static func now() -> Double { Double(DispatchTime.now().uptimeNanoseconds) / 1e9 }

    var all: [HealthCheckResult] { results.withLockedValue { $0.map(\.result) } }

    /// Results that arrived, with their arrival time in seconds since the harness started.
    var timed: [(result: HealthCheckResult, at: Double)] {
        results.withLockedValue { $0.map { ($0.result, $0.at - started) } }
    }

    /// Waits until `count` results arrived (or `within` seconds passed) and returns them all.
    @discardableResult
    func wait(for count: Int, within seconds: Double = 5) async throws -> [HealthCheckResult] {
        let deadline = Self.now() + seconds
        while all.count < count && Self.now() < deadline {
            try await Task.sleep(for: .milliseconds(10))
        }
        return all
    }

    func clear() { results.withLockedValue { $0.removeAll() } }

    func stop() async throws {
        try await checker.shutdown().get()
        try await group.shutdownGracefully()
        try await control.shutdownGracefully()
    }
}
