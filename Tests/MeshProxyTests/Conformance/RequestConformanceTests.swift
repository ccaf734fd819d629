import MeshTestSupport
import Testing

/// Each framing rule for requests (RFC 9112, RFC 9110) → the bytes a client sends → what the
/// strict origin receives, byte for byte, or the status the client gets. Through the real proxy
/// on sockets, `retries: 0`, 4 KiB heads, 64-byte chunk lines.
@Suite struct RequestConformanceTests {
    enum Expect: Sendable {
        /// The origin reads exactly this one request; the client gets its 200.
        case forwarded(String)
        /// The client gets this status (then a close, when told); the origin reads no whole request.
        case answered(Int, closes: Bool)
    }

    struct Row: Sendable, CustomTestStringConvertible {
        var rule: String
        var request: String
        var expect: Expect
        var testDescription: String { rule }

        init(_ rule: String, _ request: String, _ expect: Expect) {
            self.rule = rule; self.request = request; self.expect = expect
        }
    }

    static let host = "Host: h\r\n"

    static let rows: [Row] = [
        // Well-formed messages go through as they came.
        Row("§3 a plain GET", "GET /a?b=c HTTP/1.1\r\nHost: h\r\n\r\n", .forwarded("GET /a?b=c HTTP/1.1\r\nHost: h\r\n\r\n")),
        Row("§3.2 absolute-form target", "GET http://h/p HTTP/1.1\r\nHost: h\r\n\r\n", .forwarded("GET http://h/p HTTP/1.1\r\nHost: h\r\n\r\n")),
        Row("§2.2 empty lines before a request are skipped", "\r\n\r\nGET / HTTP/1.1\r\nHost: h\r\n\r\n", .forwarded("GET / HTTP/1.1\r\nHost: h\r\n\r\n")),
        Row("§6.2 Content-Length body", "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\n\r\nhello",
            .forwarded("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\n\r\nhello")),
        Row("RFC 9110 §5.5 OWS around a value is kept", "POST / HTTP/1.1\r\nHost: h\r\nContent-Length:  3 \r\n\r\nabc",
            .forwarded("POST / HTTP/1.1\r\nHost: h\r\nContent-Length:  3 \r\n\r\nabc")),
        Row("§7.1 chunked body with extensions and trailers",
            "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n5;a=b;c=\"d e\"\r\nhello\r\n0\r\nT: x\r\n\r\n",
            .forwarded("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n5;a=b;c=\"d e\"\r\nhello\r\n0\r\nT: x\r\n\r\n")),
        // A coding before chunked goes on unchanged, where a next hop could frame it otherwise.
        Row("§6.1 a coding other than chunked is not implemented", "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: gzip, chunked\r\n\r\n1\r\na\r\n0\r\n\r\n",
            .answered(501, closes: true)),
        Row("§6.1 identity before chunked is not implemented", "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: identity, chunked\r\n\r\n1\r\na\r\n0\r\n\r\n",
            .answered(501, closes: true)),
        Row("§6.1 a coding on a line of its own is not implemented",
            "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: gzip\r\nTransfer-Encoding: chunked\r\n\r\n1\r\na\r\n0\r\n\r\n",
            .answered(501, closes: true)),
        Row("RFC 9110 §5.5 obs-text in a value", "GET / HTTP/1.1\r\nHost: h\r\nX: caf\u{E9}\r\n\r\n",
            .forwarded("GET / HTTP/1.1\r\nHost: h\r\nX: caf\u{E9}\r\n\r\n")),
        // Connection may name hop-by-hop fields, never the ones that frame or route.
        Row("RFC 9110 §7.6.1 Connection: content-length keeps Content-Length",
            "POST /u HTTP/1.1\r\nHost: h\r\nConnection: content-length\r\nContent-Length: 3\r\n\r\nabc",
            .forwarded("POST /u HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\n\r\nabc")),
        Row("RFC 9110 §7.6.1 Connection: transfer-encoding keeps Transfer-Encoding",
            "POST /u HTTP/1.1\r\nHost: h\r\nConnection: transfer-encoding\r\nTransfer-Encoding: chunked\r\n\r\n1\r\na\r\n0\r\n\r\n",
            .forwarded("POST /u HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n1\r\na\r\n0\r\n\r\n")),
        Row("RFC 9110 §7.6.1 Connection: host keeps Host", "GET / HTTP/1.1\r\nConnection: Host\r\nHost: h\r\n\r\n",
            .forwarded("GET / HTTP/1.1\r\nHost: h\r\n\r\n")),
        Row("RFC 9110 §7.6.1 a field named in Connection is removed",
            "GET / HTTP/1.1\r\nHost: h\r\nConnection: x-hop\r\nX-Hop: 1\r\nA: b\r\n\r\n", .forwarded("GET / HTTP/1.1\r\nHost: h\r\nA: b\r\n\r\n")),
        Row("RFC 9110 §7.6.1 Keep-Alive and Proxy-Connection are removed",
            "GET / HTTP/1.1\r\nHost: h\r\nKeep-Alive: 5\r\nProxy-Connection: x\r\n\r\n", .forwarded("GET / HTTP/1.1\r\nHost: h\r\n\r\n")),
        Row("§9.3 HTTP/1.0 stays HTTP/1.0 upstream, on a kept connection", "GET / HTTP/1.0\r\n\r\n",
            .forwarded("GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n")),
        // Lines and characters.
        Row("§2.2 a line ending in LF alone", "GET / HTTP/1.1\nHost: h\r\n\r\n", .answered(400, closes: true)),
        Row("§2.2 a bare CR in a value (field case 05)", "GET / HTTP/1.1\r\nHost: h\r\nX: a\rTransfer-Encoding: chunked\r\n\r\n", .answered(400, closes: true)),
        Row("§2.2 a bare CR in the target (field case 05)", "GET /cr\r HTTP/1.1\r\nHost: h\r\n\r\n", .answered(400, closes: true)),
        Row("RFC 9110 §5.5 NUL in a value (field case 05)", "GET / HTTP/1.1\r\nHost: h\r\nX: a\u{0}b\r\n\r\n", .answered(400, closes: true)),
        Row("RFC 9110 §5.5 a control in a value", "GET / HTTP/1.1\r\nHost: h\r\nX: a\u{1B}b\r\n\r\n", .answered(400, closes: true)),
        Row("§3.2 DEL in the target", "GET /a\u{7F} HTTP/1.1\r\nHost: h\r\n\r\n", .answered(400, closes: true)),
        Row("§3.2 raw UTF-8 in the target", "GET /caf\u{E9} HTTP/1.1\r\nHost: h\r\n\r\n", .answered(400, closes: true)),
        Row("§3.2 a target of no form", "GET abc HTTP/1.1\r\nHost: h\r\n\r\n", .answered(400, closes: true)),
        Row("§3 two spaces in the request line", "GET  / HTTP/1.1\r\nHost: h\r\n\r\n", .answered(400, closes: true)),
        Row("§2.3 the version is case-sensitive", "GET / http/1.1\r\nHost: h\r\n\r\n", .answered(400, closes: true)),
        Row("§2.3 HTTP/2.0 on an HTTP/1 connection", "GET / HTTP/2.0\r\nHost: h\r\n\r\n", .answered(505, closes: true)),
        Row("§2.3 HTTP/1.2", "GET / HTTP/1.2\r\nHost: h\r\n\r\n", .answered(505, closes: true)),
        Row("§3.2 no Host", "GET / HTTP/1.1\r\n\r\n", .answered(400, closes: true)),
        Row("§3.2 two Hosts", "GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", .answered(400, closes: true)),
        Row("§3.2 a Host that is not an authority", "GET / HTTP/1.1\r\nHost: a b\r\n\r\n", .answered(400, closes: true)),
        Row("§5.1 whitespace before the colon", "GET / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding : chunked\r\n\r\n", .answered(400, closes: true)),
        Row("§5.2 obs-fold", "GET / HTTP/1.1\r\nHost: h\r\nX: a\r\n b\r\n\r\n", .answered(400, closes: true)),
        Row("RFC 9110 §5.1 a field name that is not a token", "GET / HTTP/1.1\r\nHost: h\r\nX[1]: a\r\n\r\n", .answered(400, closes: true)),
        Row("RFC 9110 §5.1 an empty field name", "GET / HTTP/1.1\r\nHost: h\r\n: a\r\n\r\n", .answered(400, closes: true)),
        // One way to find the body length (§6.3).
        Row("§6.3 Transfer-Encoding and Content-Length", "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
            .answered(400, closes: true)),
        Row("§6.3 two equal Content-Lengths", "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\nContent-Length: 3\r\n\r\nabc", .answered(400, closes: true)),
        Row("§6.3 a Content-Length list", "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 3, 3\r\n\r\nabc", .answered(400, closes: true)),
        Row("RFC 9110 §8.6 a signed Content-Length", "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: +3\r\n\r\nabc", .answered(400, closes: true)),
        Row("RFC 9110 §8.6 a hex Content-Length", "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 0x3\r\n\r\nabc", .answered(400, closes: true)),
        Row("RFC 9110 §8.6 a Content-Length past 2^62", "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 99999999999999999999\r\n\r\n", .answered(400, closes: true)),
        Row("§6.3 the final coding is not chunked", "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: gzip\r\n\r\nabc", .answered(400, closes: true)),
        Row("§6.3 chunked before another coding", "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked, gzip\r\n\r\n0\r\n\r\n", .answered(400, closes: true)),
        Row("§7 chunked twice", "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", .answered(400, closes: true)),
        Row("§7 chunked with parameters", "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked;x=1\r\n\r\n0\r\n\r\n", .answered(400, closes: true)),
        Row("§6.1 an empty coding (`chunked,`)", "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked,\r\n\r\n0\r\n\r\n", .answered(400, closes: true)),
        Row("§6.1 HTAB after the coding", "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\t\r\n\r\n0\r\n\r\n", .answered(400, closes: true)),
        Row("RFC 9110 §5.3 an empty Transfer-Encoding line beside chunked",
            "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: \r\n\r\n1\r\na\r\n0\r\n\r\n", .answered(400, closes: true)),
        Row("§6.1 Transfer-Encoding in HTTP/1.0", "POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", .answered(400, closes: true)),
        // Chunked bodies (§7.1): the head went on; the body stops at the first broken byte.
        Row("§7.1 a chunk size that is not hex", "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nhello\r\n0\r\n\r\n", .answered(400, closes: true)),
        Row("§7.1 a chunk size that overflows", "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\nfffffffffffffffff\r\n", .answered(400, closes: true)),
        Row("§7.1 a chunk line ending in LF alone", "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n5\nhello\r\n0\r\n\r\n", .answered(400, closes: true)),
        Row("§7.1 a chunk line with a bare LF in an extension", "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n5;a\nb\r\nhello\r\n0\r\n\r\n", .answered(400, closes: true)),
        Row("§7.1.1 whitespace after the size without an extension", "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n5 \r\nhello\r\n0\r\n\r\n", .answered(400, closes: true)),
        Row("§7.1 chunk data not followed by CRLF", "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhelloXX\r\n0\r\n\r\n", .answered(400, closes: true)),
        Row("§7.1.2 a bare CR in a trailer", "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n0\r\nT: a\rb\r\n\r\n", .answered(400, closes: true)),
        Row("limits: a chunk line over max_chunk_line_bytes", "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n5;" + String(repeating: "e", count: 80) + "\r\nhello\r\n0\r\n\r\n",
            .answered(400, closes: true)),
        Row("limits: a head over max_header_bytes (RFC 6585 §5)", "GET / HTTP/1.1\r\nHost: h\r\nX: " + String(repeating: "a", count: 5000) + "\r\n\r\n",
            .answered(431, closes: true)),
        // Target forms, each where it may be used, and the authority they route to (§3.2).
        Row("§3.2.2 absolute-form with the scheme's default port matches Host", "GET http://h:80/p HTTP/1.1\r\nHost: H\r\n\r\n",
            .forwarded("GET http://h:80/p HTTP/1.1\r\nHost: H\r\n\r\n")),
        Row("§3.2.2 absolute-form naming another host than Host", "GET http://evil/p HTTP/1.1\r\nHost: h\r\n\r\n", .answered(400, closes: true)),
        Row("§3.2.2 absolute-form naming another port than Host", "GET http://h:8080/p HTTP/1.1\r\nHost: h\r\n\r\n", .answered(400, closes: true)),
        Row("RFC 9110 §4.2.4 userinfo in an absolute-form target", "GET http://u:p@h/ HTTP/1.1\r\nHost: h\r\n\r\n", .answered(400, closes: true)),
        Row("§3.2.3 authority-form outside CONNECT", "GET h:80 HTTP/1.1\r\nHost: h:80\r\n\r\n", .answered(400, closes: true)),
        Row("§3.2.4 asterisk-form outside OPTIONS", "GET * HTTP/1.1\r\nHost: h\r\n\r\n", .answered(400, closes: true)),
        Row("§3.2.4 asterisk-form with OPTIONS", "OPTIONS * HTTP/1.1\r\nHost: h\r\n\r\n", .forwarded("OPTIONS * HTTP/1.1\r\nHost: h\r\n\r\n")),
        Row("RFC 3986 §4.3 a fragment in the target", "GET /a#b HTTP/1.1\r\nHost: h\r\n\r\n", .answered(400, closes: true)),
        Row("§3 an HTTP/0.9 request line is refused at once", "GET /\r\n", .answered(400, closes: true)),
        Row("§3 a request line that is broken is refused before the head ends", "GET / HTTP/1.1 x\r\nHost: h\r\n", .answered(400, closes: true)),
        // Upgrades the proxy does not pass on: the request goes on without them (RFC 9110 §7.8).
        Row("RFC 9110 §7.8 Upgrade in an HTTP/1.0 request is ignored", "GET / HTTP/1.0\r\nConnection: upgrade\r\nUpgrade: websocket\r\n\r\n",
            .forwarded("GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n")),
        Row("an upgrade with a body is not one (HAProxy)",
            "POST /u HTTP/1.1\r\nHost: h\r\nConnection: upgrade\r\nUpgrade: websocket\r\nContent-Length: 3\r\n\r\nabc",
            .forwarded("POST /u HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\n\r\nabc")),
        Row("RFC 9113 §3.1 an h2c upgrade is not passed on",
            "GET / HTTP/1.1\r\nHost: h\r\nConnection: Upgrade, HTTP2-Settings\r\nUpgrade: h2c\r\nHTTP2-Settings: AAMAAABk\r\n\r\n",
            .forwarded("GET / HTTP/1.1\r\nHost: h\r\n\r\n")),
        // Trailers (RFC 9110 §6.5.1).
        Row("RFC 9110 §6.5.1 Content-Length in trailers", "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n1\r\na\r\n0\r\nContent-Length: 50\r\n\r\n",
            .answered(400, closes: true)),
        Row("RFC 9110 §6.5.1 Host in trailers", "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n0\r\nhost: evil\r\n\r\n",
            .answered(400, closes: true)),
        // Limits.
        Row("limits: a request line over max_header_bytes gets 414 (§3)", "GET /" + String(repeating: "a", count: 5000) + " HTTP/1.1\r\nHost: h\r\n\r\n",
            .answered(414, closes: true)),
        Row("limits: more field lines than max_headers_count (RFC 6585 §5)",
            "GET / HTTP/1.1\r\nHost: h\r\n" + String(repeating: "X: 1\r\n", count: 100) + "\r\n", .answered(431, closes: true)),
        Row("RFC 9110 §9.3.6 CONNECT is not proxied", "CONNECT h:443 HTTP/1.1\r\nHost: h:443\r\n\r\n", .answered(501, closes: false)),
    ]

    @Test(arguments: rows)
    func rule(_ row: Row) async throws {
        let h = try await OriginHarness.start()
        let port = h.port
        let request = row.request
        let expect = row.expect
        let (status, closed) = try await blocking { () throws -> (Int, Bool?) in
            let client = try RawClient(port: port, timeout: 10)
            client.send(request)
            let status = try client.readResponse().status
            guard case .answered(_, true) = expect else { return (status, nil) }
            return (status, client.isClosedByPeer())
        }
        switch row.expect {
        case .forwarded(let bytes):
            #expect(status == 200)
            #expect(h.origin.requests.map(\.raw) == [Array(bytes.utf8)], "origin read \(h.origin.requests.map(\.text))")
        case .answered(let expected, let closes):
            #expect(status == expected)
            if closes { #expect(closed == true) }
            #expect(h.origin.requests.isEmpty, "origin read \(h.origin.requests.map(\.text))")
        }
        await h.stop()
    }
}
