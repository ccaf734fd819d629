import Foundation
import Glibc
import MeshCore
@testable import MeshProxy
import MeshTestSupport
import NIOCore
import NIOPosix
import Testing

/// Clients that stall hold neither a connection nor memory for long: an idle keep-alive client
/// is closed after `client_idle_timeout` without a word (HAProxy's `timeout http-keep-alive`), a
/// client that stops reading after `client_send_timeout` (nginx's `send_timeout`), a head that
/// drips in at the head timeout counted from its first byte (HAProxy's `timeout http-request`);
/// meanwhile what the proxy holds stays within a few reads however much the other side sends.
/// Short timeouts, generous waits: no timing is asserted.
@Suite struct ClientStallTests {
    /// HTTP/1.1 200 with a body of `size` bytes, written by the origin at once.
    static func big(_ size: Int) -> OriginHarness.Answer {
        let text = "HTTP/1.1 200 OK\r\nContent-Length: \(size)\r\n\r\n" + String(repeating: "x", count: size)
        return { _ in .bytes(text, close: false) }
    }

    @Test func anIdleKeepAliveClientIsClosedWithoutAWord() async throws {
        let h = try await OriginHarness.start(configure: { $0.clientIdleTimeout = 0.3 })
        let port = h.port
        let (status, closed) = try await blocking { () throws -> (Int, Bool) in
            let client = try RawClient(port: port, timeout: 10)
            client.send("GET / HTTP/1.1\r\nHost: h\r\n\r\n")
            let status = try client.readResponse().status
            // EOF with no byte before it: no 408 between requests (a timeout would read false).
            return (status, client.isClosedByPeer())
        }
        #expect(status == 200 && closed)
        let counters = try await h.proxy.listenerCounters().get()
        #expect(counters.idleTimeouts == 1 && counters.headTimeouts == 0 && counters.sendTimeouts == 0)
        await h.stop()
    }

    /// Empty lines before a head are skipped (RFC 9112 §2.2) and move no timeout: a connection
    /// that sent one CRLF was held open for ever, before its first request or between two.
    @Test(arguments: [false, true])
    func emptyLinesDoNotHoldAConnectionOpen(afterARequest: Bool) async throws {
        let h = try await OriginHarness.start(configure: { $0.clientIdleTimeout = 0.3; $0.clientHeadTimeout = 0.3 })
        let port = h.port
        let closed = try await blocking { () throws -> Bool in
            let client = try RawClient(port: port, timeout: 10)
            if afterARequest {
                client.send("GET / HTTP/1.1\r\nHost: h\r\n\r\n")
                _ = try client.readResponse()
            }
            // Ten empty lines, one every tenth of the timeout: none restarts it.
            for _ in 0..<10 {
                client.send("\r\n")
                usleep(30_000)
            }
            return client.isClosedByPeer()
        }
        #expect(closed)
        await h.stop()
    }

    /// Slowloris: a head that keeps coming a byte at a time is cut at the head timeout counted
    /// from its first byte (a 408), however often bytes come; HAProxy's `timeout http-request`
    /// does the same, unlike an inactivity timeout.
    @Test func aHeadThatDripsInIsCutAtTheHeadTimeout() async throws {
        let h = try await OriginHarness.start(configure: { $0.clientHeadTimeout = 0.5 })
        let port = h.port
        let (status, dripped) = try await blocking { () throws -> (Int, Int) in
            let client = try RawClient(port: port, timeout: 10)
            client.send("GET / HTTP/1.1\r\nHost: h\r\nX-Drip: ")
            // Up to 30 s of drips, each far inside the timeout: only a limit on the head as a
            // whole ends this early.
            var sent = 0
            while sent < 600 {
                client.send("a")
                sent += 1
                usleep(50_000)
                if client.hasBytes() { break }
            }
            return (try client.readResponse().status, sent)
        }
        #expect(status == 408 && dripped < 600)
        #expect(h.origin.requests.isEmpty)
        #expect(try await h.proxy.listenerCounters().get().headTimeouts == 1)
        await h.stop()
    }

    /// A client that stops reading holds its connection for the send timeout only; then both
    /// sides close, the line is flagged `SI` and the endpoint is not blamed (its answer was there).
    @Test func aClientThatStopsReadingIsClosedAndTheEndpointIsNotBlamed() async throws {
        let size = 32 << 20
        let h = try await OriginHarness.start(answer: Self.big(size), configure: {
            $0.clientSendTimeout = 0.5
            $0.requestTimeout = 0.5
        })
        let outcomes = Outcomes()
        try await h.proxy.setOutcomeHook { { slot, success in outcomes.add(slot, success) } }.get()
        let port = h.port
        let client = try await blocking { Handed(try RawClient(port: port, timeout: 20)) }
        try await blocking { client.value.send("GET /big HTTP/1.1\r\nHost: h\r\n\r\n") }
        // The proxy lets the origin's connection go once it gives up on the client.
        #expect(await Self.eventually { h.origin.closedConnections == 1 })
        let (received, closed) = try await blocking { client.value.drain() }
        #expect(closed && received < size)
        #expect(try await h.proxy.listenerCounters().get().sendTimeouts == 1)
        let counters = try await h.proxy.collect().get()
        #expect(counters[0]?.errors == 0 && counters[0]?.timeouts == 0)
        #expect(outcomes.failures == 0)
        await h.stop()
    }

    /// A reader that keeps taking bytes, however slowly, is never cut by the send timeout, which
    /// bounds a pause between two writes that make progress (nginx's `send_timeout`).
    @Test func aSlowReaderThatMakesProgressGetsTheWholeBody() async throws {
        let size = 4 << 20
        let h = try await OriginHarness.start(answer: Self.big(size), configure: {
            $0.clientSendTimeout = 3
            $0.clientIdleTimeout = 0.2
        })
        let port = h.port
        let received = try await blocking { () throws -> Int in
            let client = try RawClient(port: port, timeout: 20, receiveBuffer: 16 * 1024)
            client.send("GET /big HTTP/1.1\r\nHost: h\r\n\r\n")
            var total = 0
            while let bytes = client.receiveSome(), total < size {
                total += bytes.count
                usleep(20_000)
            }
            return total
        }
        #expect(received >= size)
        // (The keep-alive timeout may close it once the body is through: that is not a cut.)
        #expect(try await h.proxy.listenerCounters().get().sendTimeouts == 0)
        await h.stop()
    }

    /// What the proxy holds for a client that reads nothing of a 64 MB answer: a few reads of the
    /// origin, not the answer (it stops reading the origin, which keeps the rest).
    @Test func aClientThatReadsNothingCostsAFewReads() async throws {
        let size = 64 << 20
        let h = try await OriginHarness.start(answer: Self.big(size))
        let port = h.port
        let client = try await blocking { Handed(try RawClient(port: port, timeout: 20)) }
        try await blocking { client.value.send("GET /big HTTP/1.1\r\nHost: h\r\n\r\n") }
        #expect(await Self.eventually { (try? await Self.upstreamReadsPaused(h.proxy)) == true })
        let held = try await Self.bytesHeld(h.proxy)
        #expect(held < 1 << 20, "the proxy holds \(held) bytes for a client that reads nothing")
        // And the client still gets it all once it reads.
        let (received, _) = try await blocking { client.value.drain(upTo: size) }
        #expect(received >= size)
        await h.stop()
    }

    /// An origin that stops reading an upload: the proxy stops reading the client and holds a
    /// few reads, and the stall is the endpoint's (504 UT, counted as its timeout), not a 408
    /// blaming the client, whose bytes were there all along.
    @Test func anOriginThatStopsReadingAnUploadIsTheEndpointsTimeout() async throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let origin = try await StalledOrigin(group: group)
        var config = ProxyConfiguration(listen: "127.0.0.1:0", retries: 0, requestTimeout: 1, forwardedFor: false)
        config.clientSendTimeout = 60
        let proxy = ServiceProxy(configuration: config, group: group)
        try await proxy.updateRoutes(ProxyHarness.routes([origin.address]), hosts: ProxyHarness.hostSet(1)).get()
        let port = try await proxy.start().get().port!
        let size = 256 << 20
        let client = try await blocking { Handed(try RawClient(port: port, timeout: 60)) }
        let upload = Task.detached {
            try await blocking { () -> Int in
                client.value.send("PUT /upload HTTP/1.1\r\nHost: h\r\nContent-Length: \(size)\r\n\r\n")
                return client.value.send(zeros: size)
            }
        }
        // The most the proxy holds at any moment until the answer comes.
        let sampler = Task {
            var most = 0
            while !Task.isCancelled {
                most = max(most, (try? await Self.bytesHeld(proxy)) ?? 0)
                try? await Task.sleep(for: .milliseconds(20))
            }
            return most
        }
        let status = try await blocking { try client.value.readResponse().status }
        sampler.cancel()
        let most = await sampler.value
        #expect(status == 504)
        #expect(most < 1 << 20, "the proxy held \(most) bytes of an upload its origin does not read")
        // The client could not push its 256 MB: the proxy stopped reading it.
        #expect(try await upload.value < size)
        let counters = try await proxy.collect().get()
        #expect(counters[0]?.timeouts == 1)
        try? await proxy.stop().get()
        await origin.stop()
        try? await group.shutdownGracefully()
    }

    /// Asks `condition` every 20 ms for up to a minute (a generous deadline, not a timing).
    static func eventually(_ condition: @Sendable () async -> Bool) async -> Bool {
        for _ in 0..<3000 {
            if await condition() { return true }
            try? await Task.sleep(for: .milliseconds(20))
        }
        return await condition()
    }

    // MARK: What the proxy holds

    /// Bytes the proxy's connections hold in user space: read and not yet passed on, and written
    /// and not yet taken by the kernel.
    static func bytesHeld(_ proxy: ServiceProxy) async throws -> Int {
        var total = 0
        for handle in proxy.loops {
            total += try await handle.eventLoop.submit { handle.context.value.bytesHeld }.get()
        }
        return total
    }

    static func upstreamReadsPaused(_ proxy: ServiceProxy) async throws -> Bool {
        var paused = false
        for handle in proxy.loops {
            paused = try await handle.eventLoop.submit {
                handle.context.value.upstreams.contains { $0.elements.contains(where: \.readsArePaused) }
            }.get() || paused
        }
        return paused
    }
}
