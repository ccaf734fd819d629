import MeshTestSupport
import Testing

/// Each framing rule for responses → the bytes the origin sends → exactly what the client
/// receives, whether its connection stays, and whether the origin's connection is reused.
@Suite struct ResponseConformanceTests {
    enum Expect: Sendable {
        /// The client receives exactly these bytes; its connection then stays (another request
        /// gets an answer) or closes.
        case delivered(String, clientCloses: Bool)
        /// 502 from the proxy, the client connection kept.
        case badGateway
        /// The client receives this much, then the connection closes: a response cut short.
        case cutShort(String)
    }

    struct Row: Sendable, CustomTestStringConvertible {
        var rule: String
        var request: String
        var response: String
        var expect: Expect
        /// The origin's connection may not carry another request.
        var originClosed: Bool
        var testDescription: String { rule }

        init(_ rule: String, _ response: String, _ expect: Expect, originClosed: Bool = false,
             request: String = "GET / HTTP/1.1\r\nHost: h\r\n\r\n") {
            self.rule = rule; self.request = request; self.response = response; self.expect = expect
            self.originClosed = originClosed
        }
    }

    static let rows: [Row] = [
        Row("§6.2 a Content-Length response goes on unchanged", "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok",
            .delivered("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok", clientCloses: false)),
        Row("§7.1 a chunked response with extensions and trailers",
            "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3;x=\"y\"\r\nabc\r\n0\r\nT: 1\r\n\r\n",
            .delivered("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3;x=\"y\"\r\nabc\r\n0\r\nT: 1\r\n\r\n", clientCloses: false)),
        Row("§6.3 Content-Length and Transfer-Encoding: Content-Length is removed (field case 02)",
            "HTTP/1.1 200 OK\r\nContent-Length: 100\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n",
            .delivered("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n", clientCloses: false), originClosed: true),
        Row("§6.3 a final coding other than chunked runs until close",
            "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\nxyz",
            .delivered("HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\nxyz", clientCloses: true), originClosed: true),
        Row("§6.3 HTTP/1.0 without a length runs until close", "HTTP/1.0 200 OK\r\nServer: x\r\n\r\nbody",
            .delivered("HTTP/1.0 200 OK\r\nServer: x\r\n\r\nbody", clientCloses: true), originClosed: true),
        Row("§9.3 HTTP/1.0 with a length: the client is told the connection stays", "HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\nok",
            .delivered("HTTP/1.0 200 OK\r\nContent-Length: 2\r\nConnection: keep-alive\r\n\r\nok", clientCloses: false), originClosed: true),
        Row("§6.3 204 has no body whatever its fields say; RFC 9110 §8.6 its Content-Length goes",
            "HTTP/1.1 204 No Content\r\nContent-Length: 5\r\n\r\nhello",
            .delivered("HTTP/1.1 204 No Content\r\n\r\n", clientCloses: false), originClosed: true),
        Row("§6.3 304 has no body", "HTTP/1.1 304 Not Modified\r\nETag: \"x\"\r\n\r\n",
            .delivered("HTTP/1.1 304 Not Modified\r\nETag: \"x\"\r\n\r\n", clientCloses: false)),
        Row("§6.3 a response to HEAD has no body", "HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n",
            .delivered("HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n", clientCloses: false), request: "HEAD / HTTP/1.1\r\nHost: h\r\n\r\n"),
        Row("RFC 9110 §15.2 1xx before the final response", "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok",
            .delivered("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok", clientCloses: false)),
        Row("§6.1 a chunked answer to an HTTP/1.0 client ends with a close",
            "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\n0\r\n\r\n",
            .delivered("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\n0\r\n\r\n", clientCloses: true),
            request: "GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n"),
        Row("RFC 9110 §15.2 no 1xx to an HTTP/1.0 client", "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok",
            .delivered("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok", clientCloses: true), request: "GET / HTTP/1.0\r\n\r\n"),
        Row("RFC 9110 §7.6.1 a 1xx loses its hop-by-hop fields, §8.6 its Content-Length",
            "HTTP/1.1 103 Early Hints\r\nConnection: x\r\nX: 1\r\nLink: </a>\r\nContent-Length: 5\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok",
            .delivered("HTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok", clientCloses: false)),
        Row("RFC 9112 §6.1 a 204 loses its Transfer-Encoding", "HTTP/1.1 204 No Content\r\nTransfer-Encoding: chunked\r\n\r\n",
            .delivered("HTTP/1.1 204 No Content\r\n\r\n", clientCloses: false), originClosed: true),
        Row("RFC 9110 §7.8 a 101 without Upgrade", "HTTP/1.1 101 Switching Protocols\r\n\r\n", .badGateway, originClosed: true,
            request: "GET / HTTP/1.1\r\nHost: h\r\nConnection: upgrade\r\nUpgrade: websocket\r\n\r\n"),
        Row("RFC 9110 §7.8 a 101 to an upgrade with a body, which the proxy did not pass on",
            "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: upgrade\r\n\r\n", .badGateway, originClosed: true,
            request: "POST / HTTP/1.1\r\nHost: h\r\nConnection: upgrade\r\nUpgrade: websocket\r\nContent-Length: 2\r\n\r\nhi"),
        Row("limits: more field lines than max_headers_count",
            "HTTP/1.1 200 OK\r\n" + String(repeating: "X: 1\r\n", count: 101) + "Content-Length: 2\r\n\r\nok", .badGateway, originClosed: true),
        Row("RFC 9110 §6.5.1 Content-Length in a response's trailers: cut short",
            "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\nContent-Length: 9\r\n\r\n",
            .cutShort("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"), originClosed: true),
        Row("RFC 9110 §7.6.1 hop-by-hop fields are removed", "HTTP/1.1 200 OK\r\nKeep-Alive: timeout=5\r\nConnection: x-a\r\nX-A: 1\r\nContent-Length: 2\r\n\r\nok",
            .delivered("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok", clientCloses: false)),
        Row("§9.6 the origin's close is its own", "HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 2\r\n\r\nok",
            .delivered("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok", clientCloses: false), originClosed: true),
        // Framing the proxy cannot pass on: 502, the origin's connection dropped.
        Row("§6.3 two Content-Lengths", "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 2\r\n\r\nok", .badGateway, originClosed: true),
        Row("RFC 9110 §8.6 a Content-Length that is not digits", "HTTP/1.1 200 OK\r\nContent-Length: 2x\r\n\r\nok", .badGateway, originClosed: true),
        Row("§6.1 Transfer-Encoding in HTTP/1.0", "HTTP/1.0 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", .badGateway, originClosed: true),
        Row("§7 chunked twice", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked, chunked\r\n\r\n0\r\n\r\n", .badGateway, originClosed: true),
        Row("§2.2 a line ending in LF alone", "HTTP/1.1 200 OK\nContent-Length: 2\r\n\r\nok", .badGateway, originClosed: true),
        Row("§2.2 a bare CR", "HTTP/1.1 200 OK\r\nX: a\rb\r\nContent-Length: 2\r\n\r\nok", .badGateway, originClosed: true),
        Row("RFC 9110 §5.5 NUL in a value", "HTTP/1.1 200 OK\r\nX: a\u{0}\r\nContent-Length: 2\r\n\r\nok", .badGateway, originClosed: true),
        Row("§5.2 obs-fold", "HTTP/1.1 200 OK\r\nX: a\r\n b\r\nContent-Length: 2\r\n\r\nok", .badGateway, originClosed: true),
        Row("§5.1 whitespace before the colon", "HTTP/1.1 200 OK\r\nContent-Length : 2\r\n\r\nok", .badGateway, originClosed: true),
        Row("RFC 9110 §15 a status outside 100–599", "HTTP/1.1 600 Odd\r\nContent-Length: 2\r\n\r\nok", .badGateway, originClosed: true),
        Row("§4 a malformed status line", "HTTP/1.1 20 OK\r\nContent-Length: 2\r\n\r\nok", .badGateway, originClosed: true),
        Row("RFC 9110 §15.2.2 101 to a request that asked no upgrade", "HTTP/1.1 101 Switching Protocols\r\nUpgrade: x\r\n\r\n", .badGateway, originClosed: true),
        Row("limits: a head over max_header_bytes", "HTTP/1.1 200 OK\r\nX: " + String(repeating: "b", count: 5000) + "\r\nContent-Length: 2\r\n\r\nok",
            .badGateway, originClosed: true),
        Row("§7.1 a broken chunk after the head went on: cut short", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
            .cutShort("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"), originClosed: true),
    ]

    @Test(arguments: rows)
    func rule(_ row: Row) async throws {
        let response = row.response
        let h = try await OriginHarness.start { request in
            request.path == "/again" ? .bytes("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nagain", close: false)
                : .bytes(response, close: response.contains("gzip") || response.hasPrefix("HTTP/1.0 200 OK\r\nServer"))
        }
        let port = h.port
        let row = row
        // What the client saw: the bytes, then whether the connection closed or answered again.
        let (received, closed, again) = try await blocking { () throws -> ([UInt8], Bool, String?) in
            let client = try RawClient(port: port, timeout: 10)
            client.send(row.request)
            var received: [UInt8] = []
            switch row.expect {
            case .delivered(let text, let closes):
                while received.count < text.utf8.count, let more = client.receiveSome() { received += more }
                guard !closes else { return (received, client.isClosedByPeer(), nil) }
            case .badGateway:
                let r = try client.readResponse()
                received = Array("\(r.status) \(r.header("x-mesh-top-reason") ?? "")".utf8)
            case .cutShort:
                while let more = client.receiveSome() { received += more }
                return (received, true, nil)
            }
            client.send("GET /again HTTP/1.1\r\nHost: h\r\n\r\n")
            return (received, false, try client.readResponse().body)
        }
        let text = String(decoding: received, as: UTF8.self)
        switch row.expect {
        case .delivered(let expected, let closes):
            #expect(text == expected)
            #expect(closes ? closed : again == "again")
        case .badGateway:
            #expect(text.hasPrefix("502 invalid response from endpoint"), "\(text)")
            #expect(again == "again")
        case .cutShort(let prefix):
            #expect(text == prefix)
        }
        if row.originClosed {
            let closed = await poll { h.origin.closedConnections >= 1 }
            #expect(closed, "the origin's connection was kept after a response it may not be trusted with")
        }
        await h.stop()
    }
}

/// Polls `condition` every 20 ms for up to 10 s (a generous deadline, not a timing assertion).
func poll(_ condition: @Sendable () -> Bool) async -> Bool {
    for _ in 0..<500 {
        if condition() { return true }
        try? await Task.sleep(for: .milliseconds(20))
    }
    return condition()
}
