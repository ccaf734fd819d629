import MeshProxy
import MeshTestSupport
import NIOCore
import Testing

/// `stopGracefully` on real sockets: HAProxy's soft-stop, then its hard-stop.
@Suite(.serialized) struct GracefulStopTests {
    @Test func requestInFlightIsAnsweredAndNewConnectionsAreRefused() async throws {
        // The origin answers /held only when the test says so: the request is in flight for sure.
        // The proxy's own timeouts (15 s request, 30 s head) must not end what the test holds open.
        let h = try await OriginHarness.start(answer: { request in
            request.path == "/held" ? .held("HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nheld") : OriginHarness.ok(request)
        }, configure: { $0.requestTimeout = 600; $0.clientHeadTimeout = 600 })
        let port = h.port
        // Generous read timeouts: on a loaded machine the steps below can take minutes, and the
        // held answer only comes once they are done.
        async let slow = blocking {
            let client = try RawClient(port: port, timeout: 600)
            client.send("GET /held HTTP/1.1\r\nHost: t\r\n\r\n")
            let response = try client.readResponse()
            return (response, client.isClosedByPeer())
        }
        // An idle keep-alive client, and one part way through its head.
        let idle = try await blocking {
            let client = try RawClient(port: port, timeout: 600)
            client.send("GET / HTTP/1.1\r\nHost: t\r\n\r\n")
            _ = try client.readResponse()
            return Handed(client)
        }
        let partial = try await blocking {
            let client = try RawClient(port: port, timeout: 600)
            client.send("GET /late HTTP/1.1\r\n")
            return Handed(client)
        }
        #expect(await poll { ((try? h.proxy.connectionsInFlight().wait()) ?? 0) == 2 })
        // In flight for sure: the origin holds it (a busy machine may take a while to get it there).
        #expect(await poll { h.origin.heldCount == 1 })
        let stopped = h.proxy.stopGracefully(timeout: 60)
        #expect(await poll { !Loopback.connects(port: port) })
        #expect(try await blocking { idle.value.isClosedByPeer() })
        let finished = try await blocking {
            partial.value.send("Host: t\r\n\r\n")
            let response = try partial.value.readResponse()
            return (response.status, response.header("connection"), partial.value.isClosedByPeer())
        }
        #expect(finished.0 == 200 && finished.1 == "close" && finished.2)
        h.origin.releaseHeld()
        let (response, closed) = try await slow
        #expect(response.status == 200 && response.body == "held")
        #expect(response.header("connection") == "close" && closed)
        try await stopped.get()
        await h.stop()
    }

    /// A request the origin never answers (`/hang`): whether the proxy then closed its connection.
    /// The wait is generous: on a loaded 2-core machine the test's own task can be held up for
    /// seconds before it stops the proxy (CI saw 24 s), and a timeout reads as "not closed".
    static func hangUntilClosed(port: Int) throws -> Bool {
        let client = try RawClient(port: port, timeout: 90)
        client.send("GET /hang HTTP/1.1\r\nHost: t\r\n\r\n")
        return client.isClosedByPeer()
    }

    static func noTimeouts(_ config: inout ProxyConfiguration) {
        config.requestTimeout = 600
        config.clientHeadTimeout = 600
    }

    @Test func whatOutlivesTheTimeoutIsClosed() async throws {
        // The proxy's own request timeout (15 s) must not answer /hang first: on a loaded machine
        // the poll below can take longer than that (CI saw 40 s), and a 504 reads as "not closed".
        let h = try await ProxyHarness.start(backends: ["b0"], configure: Self.noTimeouts)
        let port = h.port
        async let hung = blocking { try Self.hangUntilClosed(port: port) }
        #expect(await poll { ((try? h.proxy.connectionsInFlight().wait()) ?? 0) == 1 })
        try await h.proxy.stopGracefully(timeout: 0.2).get()
        #expect(try await hung)
        await h.stop()
    }

    @Test func stopCutsAGracefulStopShort() async throws {
        // The proxy's own request timeout (15 s) must not answer /hang first: on a loaded machine
        // the poll below can take longer than that (CI saw 40 s), and a 504 reads as "not closed".
        let h = try await ProxyHarness.start(backends: ["b0"], configure: Self.noTimeouts)
        let port = h.port
        async let hung = blocking { try Self.hangUntilClosed(port: port) }
        #expect(await poll { ((try? h.proxy.connectionsInFlight().wait()) ?? 0) == 1 })
        let graceful = h.proxy.stopGracefully(timeout: 3600)
        try await h.proxy.stop().get()
        try await graceful.get()
        #expect(try await hung)
        await h.stop()
    }
}

/// A client handed from one blocking call to the next; only one thread uses it at a time.
final class Handed: @unchecked Sendable {
    let value: RawClient
    init(_ value: RawClient) { self.value = value }
}
