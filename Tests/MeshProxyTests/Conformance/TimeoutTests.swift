import Glibc
import MeshProxy
import MeshTestSupport
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
}
