import Foundation
import MeshCore
import MeshProbe
import NIOCore
import NIOPosix
import Testing

/// Checks against real servers on real sockets. Serialized: several assert on timing.
@Suite(.serialized)
struct HealthCheckerTests {
    func http(interval: Double = 0.1, timeout: Double = 0.5, path: String = "/health") -> HealthPolicy {
        HealthPolicy(kind: .http, path: path, interval: interval, timeout: timeout)
    }

    /// A port nobody listens on: bound, then closed.
    /// An address that refuses connections. Not a port freed after a bind: in a parallel run
    /// another test's server may take it. Nothing listens on port 1 here.
    func closedPort() async throws -> SocketAddress {
        try SocketAddress(ipAddress: "127.0.0.1", port: 1)
    }

    @Test func http200Passes() async throws {
        let server = try await TestServer()
        let harness = CheckerHarness()
        harness.checker.add(HealthTarget(service: 1, slot: 7, address: server.address, policy: http()))
        let results = try await harness.wait(for: 3)
        #expect(results.count >= 3)
        #expect(results.allSatisfy { $0.passed && $0.detail == nil && $0.service == 1 && $0.slot == 7 })
        #expect(results.allSatisfy { $0.latency > 0 && $0.latency < 0.5 })
        try await harness.stop()
        try await server.stop()
    }

    @Test func http503Fails() async throws {
        let server = try await TestServer(mode: .unhealthy)
        let harness = CheckerHarness()
        harness.checker.add(HealthTarget(service: 0, slot: 0, address: server.address, policy: http()))
        let results = try await harness.wait(for: 2)
        #expect(results.count >= 2)
        #expect(results.allSatisfy { !$0.passed && $0.detail == "status 503" })
        // A 503 with a body is still a complete response: the connection is reused.
        #expect(server.counts.connections == 1)
        try await harness.stop()
        try await server.stop()
    }

    @Test func chunkedResponsePassesOnOneConnection() async throws {
        let server = try await TestServer(mode: .chunked)
        let harness = CheckerHarness()
        harness.checker.add(HealthTarget(service: 0, slot: 0, address: server.address, policy: http()))
        let results = try await harness.wait(for: 4)
        #expect(results.count >= 4 && results.allSatisfy(\.passed))
        #expect(server.counts.connections == 1)
        try await harness.stop()
        try await server.stop()
    }

    @Test func silentServerFailsAtTimeout() async throws {
        let server = try await TestServer(mode: .silent)
        let harness = CheckerHarness()
        harness.checker.add(HealthTarget(service: 0, slot: 0, address: server.address, policy: http(interval: 1, timeout: 0.3)))
        let results = try await harness.wait(for: 1, within: 3)
        let first = try #require(results.first)
        #expect(!first.passed && first.detail == "timeout")
        #expect(first.latency >= 0.3 && first.latency < 0.4, "timed out after \(first.latency) s")
        try await harness.stop()
        try await server.stop()
    }

    @Test func slowServerPassesWithinTimeoutAndFailsPastIt() async throws {
        let server = try await TestServer(mode: .slow(.milliseconds(100)))
        let harness = CheckerHarness()
        harness.checker.add(HealthTarget(service: 0, slot: 0, address: server.address, policy: http(interval: 0.2, timeout: 0.3)))
        let passed = try #require(try await harness.wait(for: 1).first)
        #expect(passed.passed && passed.latency >= 0.1)
        server.mode = .slow(.milliseconds(500))
        harness.clear()
        let results = try await harness.wait(for: 2)
        #expect(results.contains { !$0.passed && $0.detail == "timeout" })
        try await harness.stop()
        try await server.stop()
    }

    @Test func refusedPortFailsFast() async throws {
        let address = try await closedPort()
        let harness = CheckerHarness()
        harness.checker.add(HealthTarget(service: 0, slot: 0, address: address, policy: http(interval: 0.1, timeout: 2)))
        let results = try await harness.wait(for: 2)
        #expect(results.count >= 2)
        #expect(results.allSatisfy { !$0.passed && $0.detail == "refused" && $0.latency < 0.1 })
        try await harness.stop()
    }

    @Test func unresolvableHostIsAFailedCheck() async throws {
        let harness = CheckerHarness()
        let target = HealthTarget(service: 0, slot: 0, host: "no-such-host.invalid", port: 80, policy: http(interval: 0.2, timeout: 1))
        harness.checker.add(target)
        let results = try await harness.wait(for: 1, within: 4)
        let first = try #require(results.first)
        #expect(!first.passed)
        #expect(first.detail == "unresolvable" || first.detail == "timeout")
        try await harness.stop()
    }

    @Test func tcpCheckPassesOnListeningPortAndFailsOnClosedOne() async throws {
        let server = try await TestServer(mode: .silent)
        let closed = try await closedPort()
        let harness = CheckerHarness()
        let tcp = HealthPolicy(kind: .tcp, interval: 0.1, timeout: 0.5)
        harness.checker.add(HealthTarget(service: 0, slot: 0, address: server.address, policy: tcp))
        harness.checker.add(HealthTarget(service: 0, slot: 1, address: closed, policy: tcp))
        let results = try await harness.wait(for: 6)
        let open = results.filter { $0.slot == 0 }, shut = results.filter { $0.slot == 1 }
        #expect(!open.isEmpty && open.allSatisfy { $0.passed }, "\(open)")
        #expect(!shut.isEmpty && shut.allSatisfy { !$0.passed && $0.detail == "refused" })
        // A TCP check sends nothing and, as HAProxy's, resets as soon as the server answered the
        // SYN: the server seldom even accepts it, and never more than once per check.
        #expect(server.counts.connections <= open.count && server.counts.requests == 0)
        try await harness.stop()
        try await server.stop()
    }

    @Test func ipLiteralsNeedNoResolvingNamesAreResolvedAtConnect() throws {
        let tcp = HealthPolicy(kind: .tcp)
        #expect(HealthTarget(service: 0, slot: 0, host: "127.0.0.1", port: 80, policy: tcp).address
                == .socket(try SocketAddress(ipAddress: "127.0.0.1", port: 80)))
        #expect(HealthTarget(service: 0, slot: 0, host: "::1", port: 80, policy: tcp).address
                == .socket(try SocketAddress(ipAddress: "::1", port: 80)))
        #expect(HealthTarget(service: 0, slot: 0, host: "localhost", port: 80, policy: tcp).address == .host("localhost", port: 80))
    }

    @Test func tcpChecksEndWithAResetAndLeaveNoSocketBehind() async throws {
        let server = try await TestServer(mode: .silent)
        let port = try #require(server.address.port)
        let harness = CheckerHarness()
        let tcp = HealthPolicy(kind: .tcp, interval: 0.05, timeout: 0.5)
        for slot in 0..<20 { harness.checker.add(HealthTarget(service: 0, slot: Int32(slot), address: server.address, policy: tcp)) }
        let results = try await harness.wait(for: 60)
        #expect(results.allSatisfy { $0.passed })
        try await harness.stop()
        try await Task.sleep(for: .milliseconds(200))
        // Client ends of the checks: none open, none in TIME_WAIT (closed with a reset).
        #expect(TCPTable.sockets(toPort: port).isEmpty, "\(TCPTable.sockets(toPort: port))")
        try await server.stop()
    }

    @Test func aTCPHandshakeThatNeverCompletesTimesOut() async throws {
        // A listener that never accepts, its queue filled: the kernel drops further SYNs.
        let (listener, port) = try TCPTable.fullListener()
        defer { TCPTable.close(listener) }
        let harness = CheckerHarness()
        let tcp = HealthPolicy(kind: .tcp, interval: 0.2, timeout: 0.15)
        harness.checker.add(HealthTarget(service: 0, slot: 0, address: try SocketAddress(ipAddress: "127.0.0.1", port: port), policy: tcp))
        let results = try await harness.wait(for: 2)
        #expect(results.allSatisfy { !$0.passed && $0.detail == "timeout" }, "\(results)")
        #expect(results.allSatisfy { $0.latency >= 0.15 && $0.latency < 0.4 })
        try await harness.stop()
    }

    @Test func manyTCPTargetsShareFewSocketsAndEachGetsItsOwnAnswer() async throws {
        // Up, refused and never answering side by side on one checker with few connects in flight,
        // so sockets go from target to target: each target's results must stay its own.
        let server = try await TestServer(mode: .silent)
        let closed = try await closedPort()
        let (full, fullPort) = try TCPTable.fullListener()
        defer { TCPTable.close(full) }
        let blackhole = try SocketAddress(ipAddress: "127.0.0.1", port: fullPort)
        let harness = CheckerHarness(maxConnecting: 6)
        let tcp = HealthPolicy(kind: .tcp, interval: 0.05, timeout: 0.2)
        for slot in 0..<200 {
            let address = slot % 50 == 0 ? blackhole : slot % 2 == 0 ? server.address : closed
            harness.checker.add(HealthTarget(service: 0, slot: Int32(slot), address: address, policy: tcp))
        }
        let results = try await harness.wait(for: 2_000, within: 60)
        try await harness.stop()
        try await server.stop()

        #expect(results.count >= 2_000)
        for slot in 0..<200 {
            let mine = results.filter { $0.slot == Int32(slot) }
            let expected = slot % 50 == 0 ? "timeout" : slot % 2 == 0 ? nil : "refused"
            #expect(mine.allSatisfy { $0.passed == (expected == nil) && $0.detail == expected }, "slot \(slot): \(mine.prefix(3))")
        }
        #expect(Set(results.map(\.slot)).count == 200, "every target was checked")
        #expect(server.counts.requests == 0)
    }

    @Test func keepAliveConnectionIsReusedAcrossChecks() async throws {
        let server = try await TestServer()
        let harness = CheckerHarness()
        harness.checker.add(HealthTarget(service: 0, slot: 0, address: server.address, policy: http(interval: 0.05)))
        let results = try await harness.wait(for: 10)
        #expect(results.count >= 10 && results.allSatisfy(\.passed))
        #expect(server.counts.connections == 1)
        #expect(server.counts.requests >= 10)
        try await harness.stop()
        try await server.stop()
    }

    @Test func connectionCloseMeansAFreshConnectionEachCheck() async throws {
        let server = try await TestServer(mode: .closing)
        let harness = CheckerHarness()
        harness.checker.add(HealthTarget(service: 0, slot: 0, address: server.address, policy: http(interval: 0.05)))
        let results = try await harness.wait(for: 5)
        #expect(results.count >= 5 && results.allSatisfy(\.passed))
        #expect(server.counts.connections >= 5)
        try await harness.stop()
        try await server.stop()
    }

    @Test func serverClosingAnIdleConnectionIsNotAFailure() async throws {
        let server = try await TestServer()
        let harness = CheckerHarness()
        harness.checker.add(HealthTarget(service: 0, slot: 0, address: server.address, policy: http(interval: 0.1)))
        try await harness.wait(for: 2)
        try await server.stop()
        // Same port, a new server: the kept-alive connection is gone; the next check reconnects.
        // The port was just freed; in a parallel run it can take a moment to be bindable again.
        var rebound: TestServer?
        for _ in 0..<40 where rebound == nil {
            rebound = try? await TestServer(port: server.port)
            if rebound == nil { try await Task.sleep(for: .milliseconds(50)) }
        }
        let restarted = try #require(rebound, "port \(server.port) never became free again")
        harness.clear()
        let results = try await harness.wait(for: 3)
        #expect(results.count >= 3)
        let lastTwo = results.suffix(2).map(\.passed)
        #expect(lastTwo == [true, true], "\(results)")
        try await harness.stop()
        try await restarted.stop()
    }

    @Test func intervalIsRespected() async throws {
        let server = try await TestServer()
        let harness = CheckerHarness()
        harness.checker.add(HealthTarget(service: 0, slot: 0, address: server.address, policy: http(interval: 0.2)))
        // Ten checks, however loaded the machine (a generous deadline, polled).
        let deadline = Date().addingTimeInterval(30)
        while harness.all.count < 10, Date() < deadline { try await Task.sleep(for: .milliseconds(50)) }
        let times = harness.timed.map(\.at).prefix(10)
        #expect(times.count == 10)
        let gaps = zip(times.dropFirst(), times).map { $0 - $1 }.sorted()
        // Never sooner than the interval (less its 10% jitter): a loaded machine only delays.
        #expect(gaps.allSatisfy { $0 > 0.17 }, "gaps \(gaps)")
        // And about every interval, not every other one (the median, so one late wake-up is fine).
        #expect(gaps[gaps.count / 2] < 0.35, "gaps \(gaps)")
        try await harness.stop()
        try await server.stop()
    }

    @Test func removeStopsChecks() async throws {
        let server = try await TestServer()
        let harness = CheckerHarness()
        harness.checker.add(HealthTarget(service: 2, slot: 3, address: server.address, policy: http(interval: 0.05)))
        try await harness.wait(for: 3)
        harness.checker.remove(service: 2, slot: 3)
        try await Task.sleep(for: .milliseconds(50))
        let requests = server.counts.requests
        try await Task.sleep(for: .milliseconds(300))
        #expect(server.counts.requests == requests)
        #expect(try await harness.checker.targetCount().get() == 0)
        try await harness.stop()
        try await server.stop()
    }

    @Test func pauseStopsChecksAndResumeRestartsThem() async throws {
        let server = try await TestServer()
        let harness = CheckerHarness()
        harness.checker.add(HealthTarget(service: 0, slot: 0, address: server.address, policy: http(interval: 0.05)))
        harness.checker.add(HealthTarget(service: 0, slot: 1, address: server.address, policy: http(interval: 0.05)))
        try await harness.wait(for: 4)
        harness.checker.pause(service: 0, slot: 0)
        try await Task.sleep(for: .milliseconds(50))
        harness.clear()
        try await Task.sleep(for: .milliseconds(300))
        #expect(!harness.all.isEmpty && harness.all.allSatisfy { $0.slot == 1 }, "a paused endpoint is not checked")
        harness.checker.resume(service: 0, slot: 0)
        try await Task.sleep(for: .milliseconds(300))
        #expect(harness.all.contains { $0.slot == 0 && $0.passed })
        #expect(try await harness.checker.targetCount().get() == 2)
        try await harness.stop()
        try await server.stop()
    }

    @Test func noneIsNotChecked() async throws {
        let server = try await TestServer()
        let harness = CheckerHarness()
        harness.checker.add(HealthTarget(service: 0, slot: 0, address: server.address, policy: HealthPolicy(kind: .none, interval: 0.05)))
        try await Task.sleep(for: .milliseconds(200))
        #expect(harness.all.isEmpty && server.counts.connections == 0)
        try await harness.stop()
        try await server.stop()
    }
}
