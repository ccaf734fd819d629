import MeshTestSupport
import MeshCore
import MeshProxy
import NIOConcurrencyHelpers
import NIOCore
import Testing

/// What clients see when endpoints are missing, down, slow or taken out by the operator.
@Suite(.serialized) struct ProxyFailureTests {
    @Test func noEndpointGives503WithAReason() async throws {
        let h = try await ProxyHarness.start(backends: [])
        let port = h.port
        let r = try await blocking { try RawClient.get(port) }
        #expect(r.status == 503 && r.header("x-mesh-top-reason") == "no healthy endpoint")
        await h.stop()
    }

    @Test func allEndpointsDownGives502AfterRetries() async throws {
        let h = try await ProxyHarness.start(backends: [], dead: 3)
        let port = h.port
        let r = try await blocking { try RawClient.get(port) }
        #expect(r.status == 502)
        let counters = try await h.proxy.collect().get()
        #expect(counters.values.map(\.connectErrors).reduce(0, +) == 3)
        await h.stop()
    }

    @Test func connectRefusedIsRetriedOnAnotherEndpoint() async throws {
        let h = try await ProxyHarness.start(backends: ["b0"], dead: 1, deadFirst: true)
        let port = h.port
        let statuses = try await blocking { try (0..<6).map { _ in try RawClient.get(port).status } }
        #expect(statuses == Array(repeating: 200, count: 6))
        await h.stop()
    }

    @Test func idempotentRequestIsRetriedAfterA503() async throws {
        let h = try await ProxyHarness.start()
        let port = h.port
        // Round robin sends the first try to b0; both answer /status/503, so the client gets 503.
        let (failing, fine) = try await blocking { (try RawClient.get(port, "/status/503"), try RawClient.get(port)) }
        #expect(failing.status == 503 && failing.header("x-backend") == "b1")
        #expect(fine.status == 200)
        let counters = try await h.proxy.collect().get()
        #expect(counters[0]?.errors == 1 && counters[1]?.errors == 1)
        await h.stop()
    }

    @Test func requestTimeoutGives504AndOthersAreUnaffected() async throws {
        let h = try await ProxyHarness.start(backends: ["b0"], threads: 2) { $0.requestTimeout = 0.5 }
        let port = h.port
        let start = ContinuousClock.now
        async let hung = blocking { try RawClient.get(port, "/hang") }
        try await Task.sleep(for: .milliseconds(100))
        let other = try await blocking { try RawClient.get(port) }
        #expect(other.status == 200)
        let r = try await hung
        #expect(r.status == 504 && r.header("x-mesh-top-reason") == "endpoint timed out")
        #expect(ContinuousClock.now - start < .seconds(10))  // the 0.5 s timer, not some later one; loose for a loaded machine
        #expect(try await h.proxy.collect().get()[0]?.timeouts == 1)
        await h.stop()
    }

    @Test func stalledHalfRequestDoesNotBlockOthers() async throws {
        let h = try await ProxyHarness.start(backends: ["b0"], threads: 2)
        let port = h.port
        let ok = try await blocking {
            let staller = try RawClient(port: port)
            staller.send("GET / HTTP/1.1\r\nHost: t\r\nX-Half: ")
            let r = try RawClient.get(port)
            withExtendedLifetime(staller) {}
            return r.status
        }
        #expect(ok == 200)
        await h.stop()
    }

    @Test func drainLetsTheSlowRequestFinishAndSendsNewOnesElsewhere() async throws {
        let h = try await ProxyHarness.start()
        let port = h.port
        async let slow = blocking { try RawClient.get(port, "/slow?ms=600") }
        try await Task.sleep(for: .milliseconds(150))
        #expect(try await h.proxy.activeCount(slot: 0).get() == 1)
        try await h.proxy.drain(slot: 0).get()
        let later = try await blocking { try (0..<4).map { _ in try RawClient.get(port).header("x-backend")! } }
        #expect(later == ["b1", "b1", "b1", "b1"])
        let r = try await slow
        #expect(r.status == 200 && r.body == "slow b0\n")
        #expect(try await h.proxy.activeCount(slot: 0).get() == 0)
        await h.stop()
    }

    @Test func killResetsConnectionsAtOnce() async throws {
        let h = try await ProxyHarness.start()
        let port = h.port
        async let hung = blocking {
            let c = try RawClient(port: port)
            c.send("POST /hang HTTP/1.1\r\nHost: t\r\nContent-Length: 1\r\n\r\nx")
            return try c.readResponse()
        }
        try await Task.sleep(for: .milliseconds(150))
        #expect(try await h.proxy.activeCount(slot: 0).get() == 1)
        try await h.proxy.kill(slot: 0).get()
        let r = try await hung
        #expect(r.status == 502)
        #expect(try await h.proxy.activeCount(slot: 0).get() == 0)
        let after = try await blocking { try (0..<2).map { _ in try RawClient.get(port).header("x-backend")! } }
        #expect(after == ["b1", "b1"])
        try await h.proxy.restore(slot: 0).get()
        await h.stop()
    }

    @Test func outcomeHookSeesEveryAttempt() async throws {
        let h = try await ProxyHarness.start()
        let seen = NIOLockedValueBox<[String]>([])
        try await h.proxy.setOutcomeHook { { slot, ok in seen.withLockedValue { $0.append("\(slot):\(ok)") } } }.get()
        let port = h.port
        _ = try await blocking { (try RawClient.get(port), try RawClient.get(port, "/status/500")) }
        #expect(seen.withLockedValue { $0 }.sorted() == ["0:true", "1:false"])
        await h.stop()
    }

    @Test func listenErrorsAreOneLineMessages() async throws {
        let h = try await ProxyHarness.start(backends: [])
        let taken = ServiceProxy(configuration: ProxyConfiguration(listen: "127.0.0.1:\(h.port)"), group: h.group)
        await #expect(throws: ProxyError.self) { try await taken.start().get() }
        do { _ = try await taken.start().get(); Issue.record("started on a port in use") } catch { #expect("\(error)".contains("address already in use")) }
        let unresolvable = ServiceProxy(configuration: ProxyConfiguration(listen: "no-such-host.invalid:80"), group: h.group)
        do { _ = try await unresolvable.start().get(); Issue.record("started") } catch {
            #expect("\(error)".contains("cannot resolve host"))
        }
        await h.stop()
    }
}
