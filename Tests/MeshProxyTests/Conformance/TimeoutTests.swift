import Foundation
import Glibc
import MeshProxy
import MeshTestSupport
import NIOCore
import Testing

/// A client slow to send its head (slowloris) gets a 408 and the close once the head timeout is
/// over (RFC 9110 §15.5.9; HAProxy's `timeout http-request`); one that never speaks is closed
/// without a word; a body that keeps moving is not cut by the request timeout, which starts at
/// the end of the request (Envoy's route timeout). Short timeouts, generous waits: no timing is
/// asserted.
@Suite struct TimeoutTests {
    func harness() async throws -> OriginHarness {
        try await OriginHarness.start(configure: { $0.clientHeadTimeout = 0.3 })
    }

    @Test(arguments: ["GET / HTTP/1.1\r\nHost: h\r\n", "G"])
    func aHeadThatDoesNotArriveIn408s(_ part: String) async throws {
        let h = try await harness()
        let port = h.port
        let (status, closed) = try await blocking { () throws -> (Int, Bool) in
            let client = try RawClient(port: port, timeout: 10)
            client.send(part)
            let status = try client.readResponse().status
            return (status, client.isClosedByPeer())
        }
        #expect(status == 408 && closed)
        #expect(h.origin.requests.isEmpty)
        await h.stop()
    }

    @Test func aConnectionThatNeverSpeaksIsClosedWithoutAnAnswer() async throws {
        let h = try await harness()
        let port = h.port
        // EOF with no byte before it (a timeout or a byte would read as false).
        let closed = try await blocking { try RawClient(port: port, timeout: 10).isClosedByPeer() }
        #expect(closed)
        await h.stop()
    }

    @Test func aBodyThatKeepsMovingOutlastsTheRequestTimeout() async throws {
        let h = try await OriginHarness.start(configure: { $0.requestTimeout = 1.5 })
        let port = h.port
        let status = try await blocking { () throws -> Int in
            let client = try RawClient(port: port, timeout: 10)
            client.send("PUT /slow HTTP/1.1\r\nHost: h\r\nContent-Length: 8\r\n\r\n")
            // Four parts, 0.6 s apart: 2.4 s in all, each pause well inside the timeout.
            for part in ["ab", "cd", "ef", "gh"] {
                usleep(600_000)
                client.send(part)
            }
            return try client.readResponse().status
        }
        #expect(status == 200)
        #expect(h.origin.requests.map(\.text) == ["PUT /slow HTTP/1.1\r\nHost: h\r\nContent-Length: 8\r\n\r\nabcdefgh"])
        await h.stop()
    }

    /// A body that stops arriving is the client's fault: a 408 and the close, as Envoy's stream
    /// idle timeout answers, and nothing counted against the endpoint (a stalled upload must not
    /// get a healthy endpoint ejected; it got a 504 "endpoint timed out" and an outcome).
    @Test func aStalledRequestBodyIs408AndNotTheEndpointsFault() async throws {
        let h = try await OriginHarness.start(configure: { $0.requestTimeout = 0.5 })
        let outcomes = Outcomes()
        try await h.proxy.setOutcomeHook { { slot, success in outcomes.add(slot, success) } }.get()
        let port = h.port
        let (status, closed) = try await blocking { () throws -> (Int, Bool) in
            let client = try RawClient(port: port, timeout: 10)
            client.send("PUT /upload HTTP/1.1\r\nHost: h\r\nContent-Length: 100\r\n\r\n0123456789")
            let status = try client.readResponse().status
            return (status, client.isClosedByPeer())
        }
        #expect(status == 408 && closed)
        let counters = try await h.proxy.collect().get()
        #expect(counters[0]?.errors == 0 && counters[0]?.timeouts == 0)
        #expect(outcomes.failures == 0)
        await h.stop()
    }

    /// A client that reads slowly holds the response back; that pause is not the endpoint's, so
    /// the request timeout (which bounds each pause of a body the endpoint sends) does not cut
    /// the download (HAProxy's `timeout server` likewise counts only the server's silence).
    @Test func aClientThatReadsSlowlyGetsTheWholeBody() async throws {
        let size = 16 << 20
        let big = "HTTP/1.1 200 OK\r\nContent-Length: \(size)\r\n\r\n" + String(repeating: "x", count: size)
        let h = try await OriginHarness.start(answer: { _ in .bytes(big, close: false) },
                                              configure: { $0.requestTimeout = 0.5 })
        let port = h.port
        let received = try await blocking { () throws -> Int in
            let client = try RawClient(port: port, timeout: 20)
            client.send("GET /big HTTP/1.1\r\nHost: h\r\n\r\n")
            // Read nothing for three request timeouts: the proxy has to stop reading the origin.
            usleep(1_500_000)
            return try client.readResponse().body.utf8.count
        }
        #expect(received == size)
        let counters = try await h.proxy.collect().get()
        #expect(counters[0]?.timeouts == 0)
        await h.stop()
    }
}

/// Outcomes the proxy reported, from its event loop.
final class Outcomes: @unchecked Sendable {
    private let lock = NSLock()
    private var failed = 0
    func add(_ slot: Int32, _ success: Bool) { lock.withLock { if !success { failed += 1 } } }
    var failures: Int { lock.withLock { failed } }
}
