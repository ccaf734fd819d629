import MeshProxy
import MeshTestSupport
import Testing

/// The field cases of ../shared/field-cases (01, 02, 05, 06), each as its run.sh sends it, through
/// the real proxy to a strict CRLF-only origin, `retries: 0` as in their mesh.yaml.
@Suite struct FieldCaseTests {
    /// 01: `Connection: content-length` must not strip the length while the body goes on: the
    /// origin would read the body as a second request.
    @Test func connectionContentLengthDoesNotSmuggleTheBody() async throws {
        let h = try await OriginHarness.start()
        let port = h.port
        let smuggled = "GET /smuggled HTTP/1.1\r\nHost: h\r\n\r\n"
        try await blocking {
            let control = try RawClient(port: port)
            control.send("POST /control HTTP/1.1\r\nHost: h\r\nContent-Length: \(smuggled.utf8.count)\r\n\r\n" + smuggled)
            _ = try control.readResponse()
            let client = try RawClient(port: port)
            client.send("POST /upload HTTP/1.1\r\nHost: h\r\nConnection: content-length\r\nContent-Length: \(smuggled.utf8.count)\r\n\r\n" + smuggled)
            #expect(try client.readResponse().status == 200)
        }
        #expect(h.origin.requests.map(\.path) == ["/control", "/upload"])
        #expect(h.origin.requests.last?.text == "POST /upload HTTP/1.1\r\nHost: h\r\nContent-Length: 35\r\n\r\n" + smuggled)
        await h.stop()
    }

    /// 02: a response with both Content-Length and Transfer-Encoding must not reach the client
    /// with both (RFC 9112 §6.3: remove Content-Length, or refuse).
    @Test func responseWithBothLengthsLosesContentLength() async throws {
        let h = try await OriginHarness.start { _ in
            .bytes("HTTP/1.1 200 OK\r\nContent-Length: 100\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n", close: false)
        }
        let port = h.port
        let response = try await blocking { try RawClient.get(port, "/cl-te") }
        #expect(response.status == 200 && response.body == "hello")
        #expect(response.header("transfer-encoding") == "chunked" && response.header("content-length") == nil)
        await h.stop()
    }

    /// 05: a bare CR in a value or in the target, and a NUL, never reach the origin.
    @Test func bareCRAndNULAreRefused() async throws {
        let h = try await OriginHarness.start()
        let port = h.port
        let statuses = try await blocking {
            try [
                "GET /cr-value HTTP/1.1\r\nHost: h\r\nX-Note: a\rTransfer-Encoding: chunked\r\n\r\n",
                "GET /cr-target\r HTTP/1.1\r\nHost: h\r\n\r\n",
                "GET /nul-value HTTP/1.1\r\nHost: h\r\nX-Note: a\u{0}b\r\n\r\n",
            ].map { request in
                let client = try RawClient(port: port)
                client.send(request)
                return try client.readResponse().status
            }
        }
        #expect(statuses == [400, 400, 400])
        #expect(h.origin.requests.isEmpty)
        await h.stop()
    }

    /// 06: the origin reads a POST on a reused connection, acts on it and closes without a word.
    /// The proxy cannot know whether it was done: a 502, and never a second copy.
    @Test func postIsNotReplayedAfterTheOriginClosed() async throws {
        let h = try await OriginHarness.start { request in
            request.index == 2 ? .close : .bytes("HTTP/1.1 200 OK\r\nContent-Length: 7\r\n\r\norder \(request.index)", close: false)
        }
        let port = h.port
        let statuses = try await blocking {
            let client = try RawClient(port: port)
            var statuses: [Int] = []
            for _ in 0..<2 {
                client.send("POST /order HTTP/1.1\r\nHost: h\r\nContent-Type: application/json\r\nContent-Length: 16\r\n\r\n{\"item\": \"book\"}")
                statuses.append(try client.readResponse().status)
            }
            return statuses
        }
        #expect(statuses == [200, 502])
        #expect(h.origin.requests.filter { $0.path == "/order" }.count == 2)
        await h.stop()
    }

    /// 06, the other way round: an idempotent request may be tried again when `retries` allows.
    @Test func getIsRetriedWhenRetriesAllow() async throws {
        // The first origin drops the second request on each connection; the second answers all.
        let dropsSecond: OriginHarness.Answer = { request in
            request.index == 2 ? .close : .bytes("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok", close: false)
        }
        let h = try await OriginHarness.start(answers: [dropsSecond, OriginHarness.ok]) { $0.retries = 1 }
        let port = h.port
        let statuses = try await blocking {
            let client = try RawClient(port: port)
            return try (0..<4).map { _ in
                client.send("GET /read HTTP/1.1\r\nHost: h\r\n\r\n")
                return try client.readResponse().status
            }
        }
        #expect(statuses == [200, 200, 200, 200])
        await h.stop()
    }
}
