import MeshHTTP1
import NIOCore
import Testing

/// Every rule of `HTTP1Violation` with the heads that break it, and heads that keep every rule
/// with what the reader makes of them.
@Suite struct HeadParserRuleTests {
    func request(_ text: String, watching: String = "") throws(HTTP1Violation) -> RequestHead? {
        var reader = HTTP1Reader(limits: HTTP1Limits(maxHeadBytes: 1024))
        var bytes = ByteBuffer(string: text)
        reader.append(&bytes)
        return try reader.readRequestHead(watching: Array(watching.utf8))?.0
    }

    func response(_ text: String) throws(HTTP1Violation) -> ResponseHead? {
        var reader = HTTP1Reader(limits: HTTP1Limits(maxHeadBytes: 1024))
        var bytes = ByteBuffer(string: text)
        reader.append(&bytes)
        return try reader.readResponseHead(requestMethod: .get)?.0
    }

    static let badRequests: [(String, HTTP1Violation)] = [
        ("GET / HTTP/1.1\nHost: h\r\n\r\n", .bareLineFeed),
        ("GET / HTTP/1.1\r\nHost: h\n\r\n", .bareLineFeed),
        ("GET / HTTP/1.1\r\nHost: h\r\n\n", .bareLineFeed),
        ("GET / HTTP/1.1\r\nHost: h\r\nX: a\rTransfer-Encoding: chunked\r\n\r\n", .bareCarriageReturn),
        ("GET /a\r HTTP/1.1\r\nHost: h\r\n\r\n", .bareCarriageReturn),
        ("GET / HTTP/1.1\r\r\nHost: h\r\n\r\n", .bareCarriageReturn),
        ("GET /\r\n\r\n", .requestLine),
        ("GET  / HTTP/1.1\r\nHost: h\r\n\r\n", .requestTarget),
        ("GET / HTTP/1.1 \r\nHost: h\r\n\r\n", .requestLine),
        ("GET / http/1.1\r\nHost: h\r\n\r\n", .requestLine),
        (" GET / HTTP/1.1\r\nHost: h\r\n\r\n", .requestLine),
        ("GE(T / HTTP/1.1\r\nHost: h\r\n\r\n", .method),
        ("GET /a\u{0}b HTTP/1.1\r\nHost: h\r\n\r\n", .requestTarget),
        ("GET /a\u{7F} HTTP/1.1\r\nHost: h\r\n\r\n", .requestTarget),
        ("GET abc HTTP/1.1\r\nHost: h\r\n\r\n", .requestTarget),
        ("GET /caf\u{E9} HTTP/1.1\r\nHost: h\r\n\r\n", .requestTarget),
        ("GET \"x HTTP/1.1\r\nHost: h\r\n\r\n", .requestTarget),
        ("OPTIONS *x HTTP/1.1\r\nHost: h\r\n\r\n", .requestTarget),
        ("GET / HTTP/2.0\r\nHost: h\r\n\r\n", .unsupportedVersion),
        ("GET / HTTP/1.2\r\nHost: h\r\n\r\n", .unsupportedVersion),
        ("GET / HTTP/0.9\r\nHost: h\r\n\r\n", .unsupportedVersion),
        ("GET / HTTP/1.1\r\nHost: h\r\nno colon\r\n\r\n", .fieldName),
        ("GET / HTTP/1.1\r\nHost: h\r\n: empty name\r\n\r\n", .fieldName),
        ("GET / HTTP/1.1\r\nHost: h\r\nX(y): 1\r\n\r\n", .fieldName),
        ("GET / HTTP/1.1\r\nHost : h\r\n\r\n", .whitespaceBeforeColon),
        ("GET / HTTP/1.1\r\nHost\t: h\r\n\r\n", .whitespaceBeforeColon),
        ("GET / HTTP/1.1\r\nHost: h\r\nX: a\r\n b\r\n\r\n", .obsoleteLineFolding),
        ("GET / HTTP/1.1\r\n Host: h\r\n\r\n", .obsoleteLineFolding),
        ("GET / HTTP/1.1\r\nHost: h\r\nX: a\u{0}b\r\n\r\n", .fieldValue),
        ("GET / HTTP/1.1\r\nHost: h\r\nX: a\u{1}b\r\n\r\n", .fieldValue),
        ("GET / HTTP/1.1\r\nHost: h\r\nX: a\u{7F}\r\n\r\n", .fieldValue),
        ("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: -1\r\n\r\n", .contentLength),
        ("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: +5\r\n\r\n", .contentLength),
        ("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 0x5\r\n\r\n", .contentLength),
        ("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 5 5\r\n\r\n", .contentLength),
        ("POST / HTTP/1.1\r\nHost: h\r\nContent-Length:\r\n\r\n", .contentLength),
        ("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 99999999999999999999\r\n\r\n", .contentLength),
        ("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 5, 5\r\n\r\n", .contentLength),
        ("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 5\t\r\n\r\n", .contentLength),
        ("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\nContent-Length: 5\r\n\r\n", .repeatedContentLength),
        ("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\n", .repeatedContentLength),
        ("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n", .contentLengthWithTransferEncoding),
        ("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\n", .contentLengthWithTransferEncoding),
        ("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: gzip\r\n\r\n", .chunkedNotFinal),
        ("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked, gzip\r\n\r\n", .chunkedNotFinal),
        ("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: gzip\r\n\r\n", .chunkedNotFinal),
        ("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked, chunked\r\n\r\n", .chunkedMisused),
        ("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked;x=1\r\n\r\n", .chunkedMisused),
        ("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: gzip, chunked\r\n\r\n", .transferCodingNotImplemented),
        ("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: identity\r\nTransfer-Encoding: chunked\r\n\r\n", .transferCodingNotImplemented),
        ("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding:\r\n\r\n", .transferEncoding),
        ("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: ,\r\n\r\n", .transferEncoding),
        ("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\t\r\n\r\n", .transferEncoding),
        ("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: gzip,\tchunked\r\n\r\n", .transferEncoding),
        ("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked,\r\n\r\n", .transferEncoding),
        ("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: gzip, , chunked\r\n\r\n", .transferEncoding),
        ("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chun ked\r\n\r\n", .transferEncoding),
        ("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: \"chunked\"\r\n\r\n", .transferEncoding),
        // An empty line beside a coding: joined, `chunked, ` (RFC 9110 §5.3), which a strict next
        // hop reads as not chunked.
        ("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding:  \r\n\r\n", .transferEncoding),
        ("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding:\r\nTransfer-Encoding: chunked\r\n\r\n", .transferEncoding),
        ("POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n", .transferEncodingInHTTP10),
        ("GET / HTTP/1.1\r\n\r\n", .host),
        ("GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", .host),
        ("GET / HTTP/1.1\r\nHost: a b\r\n\r\n", .host),
        ("GET / HTTP/1.1\r\nHost: a/b\r\n\r\n", .host),
        ("GET / HTTP/1.0\r\nHost: a\r\nHost: a\r\n\r\n", .host),
        // RFC 9112 §3.2.2: an absolute-form target and Host name one authority.
        ("GET http://a/p HTTP/1.1\r\nHost: b\r\n\r\n", .host),
        ("GET http://a:8080/p HTTP/1.1\r\nHost: a\r\n\r\n", .host),
        ("GET https://a/p HTTP/1.1\r\nHost: a:80\r\n\r\n", .host),
        // Each target form where it may be used (RFC 9112 §3.2), none with a fragment.
        ("GET a:80 HTTP/1.1\r\nHost: a:80\r\n\r\n", .requestTarget),
        ("GET http:/a HTTP/1.1\r\nHost: a\r\n\r\n", .requestTarget),
        ("GET * HTTP/1.1\r\nHost: h\r\n\r\n", .requestTarget),
        ("GET /a#b HTTP/1.1\r\nHost: h\r\n\r\n", .requestTarget),
        ("GET http://u@a/ HTTP/1.1\r\nHost: a\r\n\r\n", .requestTarget),
        ("CONNECT a/b:443 HTTP/1.1\r\nHost: a\r\n\r\n", .requestTarget),
        // A request line is judged as soon as it has arrived, before the blank line.
        ("GET /\r\n", .requestLine),
        ("GET / HTTP/1.1\nHost", .bareLineFeed),
        ("GET /" + String(repeating: "a", count: 2000) + " HTTP/1.1\r\nHost: h\r\n\r\n", .uriTooLong),
        ("GET /" + String(repeating: "a", count: 2000), .uriTooLong),
        ("GET / HTTP/1.1\r\nHost: h\r\n" + String(repeating: "X: 1\r\n", count: 100) + "\r\n", .tooManyFields),
        ("GET / HTTP/1.1\r\nHost: h\r\nX: " + String(repeating: "a", count: 2000) + "\r\n\r\n", .headTooLarge),
        ("GET / HTTP/1.1\r\nHost: h\r\nX: " + String(repeating: "a", count: 2000), .headTooLarge),
    ]

    @Test(arguments: badRequests)
    func requestBreakingARuleIsRefused(_ text: String, _ rule: HTTP1Violation) {
        #expect(throws: rule, "\(text.debugDescription)") { _ = try request(text) }
    }

    @Test func everyRuleHasAnExample() {
        let covered = Set(Self.badRequests.map(\.1) + Self.badResponses.map(\.1) + ChunkedBodyReaderTests.badBodies.map(\.1))
        // A 101 is judged by the exchange, which knows the request (HTTPExchangeTests).
        #expect(Set(HTTP1Violation.allCases).subtracting(covered) == [.switchingProtocols])
    }

    @Test func wellFormedRequests() throws {
        let get = try #require(try request("GET /a?b=c HTTP/1.1\r\nHost: example.com:8080\r\nX-Empty:\r\n\r\nNEXT"))
        #expect(get.length == 57 && get.method == .get && get.framing == .none && get.clientKeepAlive)
        #expect(get.targetStart == 4 && get.targetEnd == 10)
        let post = try #require(try request("POST / HTTP/1.1\r\nHost: h\r\ncontent-LENGTH:  12 \r\nConnection: close\r\n\r\n"))
        #expect(post.framing == .length(12) && !post.clientKeepAlive && post.method == .post)
        let chunked = try #require(try request("PUT / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding:  Chunked \r\n\r\n"))
        #expect(chunked.framing == .chunked)
        // A coding before chunked, on its line or another, is refused (501; badRequests).
        #expect(throws: HTTP1Violation.transferCodingNotImplemented) {
            try request("PUT / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: gzip;q=1 , Chunked\r\n\r\n")
        }
        let old = try #require(try request("GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n"))
        #expect(old.isHTTP10 && old.clientKeepAlive)
        let hop = try #require(try request("GET / HTTP/1.1\r\nHost: h\r\nConnection: x-secret, close\r\nKeep-Alive: 5\r\n\r\n"))
        #expect(hop.connection.other && hop.connection.close && hop.hasHopByHopHeader)
        let upgrade = try #require(try request("GET / HTTP/1.1\r\nHost: h\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n"))
        #expect(upgrade.isUpgrade)
        let utf8 = try #require(try request("GET /caf%C3%A9 HTTP/1.1\r\nHost: h\r\nX: caf\u{E9}\r\n\r\n"))
        #expect(utf8.method == .get)
        let emptyHost = try #require(try request("OPTIONS * HTTP/1.1\r\nHost:\r\n\r\n"))
        #expect(emptyHost.method == .options)
        let absolute = try #require(try request("GET http://h.example/p HTTP/1.1\r\nHost: h.example\r\n\r\n"))
        #expect(absolute.method == .get)
        let authority = try #require(try request("CONNECT h.example:443 HTTP/1.1\r\nHost: h.example:443\r\n\r\n"))
        #expect(authority.method == .connect)
        // The scheme's default port, an empty port and case do not make another authority.
        for (target, host) in [("http://H.example:80/p", "h.example"), ("https://h:443/", "h:"), ("http://h/", "h:80"), ("ftp://h/", "h")] {
            #expect(try request("GET \(target) HTTP/1.1\r\nHost: \(host)\r\n\r\n") != nil, "\(target) \(host)")
        }
        #expect(try request("GET http://h/p HTTP/1.0\r\n\r\n") != nil)
        // RFC 9110 §7.8: no upgrade in HTTP/1.0, with a body, or to h2c (RFC 9113 §3.1).
        for text in ["GET / HTTP/1.0\r\nConnection: upgrade\r\nUpgrade: websocket\r\n\r\n",
                     "POST / HTTP/1.1\r\nHost: h\r\nConnection: upgrade\r\nUpgrade: websocket\r\nContent-Length: 1\r\n\r\n",
                     "GET / HTTP/1.1\r\nHost: h\r\nConnection: upgrade, HTTP2-Settings\r\nUpgrade: h2c\r\nHTTP2-Settings: AA\r\n\r\n",
                     "GET / HTTP/1.1\r\nHost: h\r\nConnection: keep-alive\r\nUpgrade: websocket\r\n\r\n"] {
            let head = try #require(try request(text))
            #expect(!head.isUpgrade && !head.upgradeIsIntact, "\(text.debugDescription)")
        }
        #expect(try request("GET / HTTP/1.1\r\nHost: h\r\n" + String(repeating: "X: 1\r\n", count: 99) + "\r\n") != nil)
        let watched = try #require(try request("GET / HTTP/1.1\r\nHost: h\r\nX-User:  alice \r\n\r\n", watching: "x-user"))
        #expect(watched.watchedValue == 34..<39)
        // Empty lines before a request are skipped (RFC 9112 §2.2), not counted in its length.
        let leading = try #require(try request("\r\n\r\nGET / HTTP/1.1\r\nHost: h\r\n\r\n"))
        #expect(leading.length == 27)
        #expect(try request("GET / HTTP/1.1\r\nHost: h\r\n") == nil)
    }

    static let badResponses: [(String, HTTP1Violation)] = [
        ("HTTP/1.1 200 OK\nContent-Length: 0\r\n\r\n", .bareLineFeed),
        ("HTTP/1.1 200 OK\r\nX: a\rb\r\n\r\n", .bareCarriageReturn),
        ("HTTP/1.1 2000 OK\r\n\r\n", .statusLine),
        ("HTTP/1.1 099 Low\r\n\r\n", .statusCode),
        ("HTTP/1.1 600 High\r\n\r\n", .statusCode),
        ("HTTP/1.1  200 OK\r\n\r\n", .statusLine),
        ("HTTP/1.1 200 O\u{1}K\r\n\r\n", .statusLine),
        ("HTTP/1.1 20\r\n\r\n", .statusLine),
        ("ICY 200 OK\r\n\r\n", .statusLine),
        ("HTTP/2 200 OK\r\n\r\n", .statusLine),
        ("HTTP/1.2 200 OK\r\n\r\n", .unsupportedVersion),
        ("HTTP/1.1 200 OK\r\nX : 1\r\n\r\n", .whitespaceBeforeColon),
        ("HTTP/1.1 200 OK\r\nX: 1\r\n 2\r\n\r\n", .obsoleteLineFolding),
        ("HTTP/1.1 200 OK\r\nX: \u{0}\r\n\r\n", .fieldValue),
        ("HTTP/1.1 200 OK\r\nX\r\n\r\n", .fieldName),
        ("HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 1\r\n\r\n", .repeatedContentLength),
        ("HTTP/1.1 200 OK\r\nContent-Length: abc\r\n\r\n", .contentLength),
        ("HTTP/1.0 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n", .transferEncodingInHTTP10),
        ("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked, chunked\r\n\r\n", .chunkedMisused),
        ("HTTP/1.1 200 OK\r\nTransfer-Encoding: ;\r\n\r\n", .transferEncoding),
        ("HTTP/1.1 200 OK\r\n" + String(repeating: "X: 1\r\n", count: 101) + "\r\n", .tooManyFields),
    ]

    @Test(arguments: badResponses)
    func responseBreakingARuleIsRefused(_ text: String, _ rule: HTTP1Violation) {
        #expect(throws: rule, "\(text.debugDescription)") { _ = try response(text) }
    }

    @Test func responseFraming() throws {
        #expect(try response("HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\n")?.framing == .length(3))
        #expect(try response("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n")?.framing == .chunked)
        #expect(try response("HTTP/1.0 200 OK\r\n\r\n")?.framing == .untilClose)
        #expect(try response("HTTP/1.1 200\r\nContent-Length: 0\r\n\r\n")?.framing == BodyFraming.none)
        // RFC 9112 §6.3 item 4: a response whose final coding is not chunked runs until close.
        #expect(try response("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked, gzip\r\n\r\n")?.framing == .untilClose)
        // Item 3: Transfer-Encoding wins over Content-Length, which must then go.
        let both = try #require(try response("HTTP/1.1 200 OK\r\nContent-Length: 100\r\nTransfer-Encoding: chunked\r\n\r\n"))
        #expect(both.framing == .chunked && both.hasOverriddenContentLength && both.keepsConnection)
        let close = try #require(try response("HTTP/1.1 503 Busy\r\nConnection: close\r\nContent-Length: 0\r\n\r\n"))
        #expect(close.status == 503 && close.connection.close && !close.keepsConnection)
        let old = try #require(try response("HTTP/1.0 200 OK\r\nConnection: keep-alive\r\nContent-Length: 0\r\n\r\n"))
        #expect(old.keepsConnection)
        // Host means nothing in a response: its value is not checked there.
        #expect(try response("HTTP/1.1 200 OK\r\nHost: a b\r\nContent-Length: 0\r\n\r\n")?.status == 200)
        // Item 1: no body for HEAD, 1xx, 204 and 304, whatever the fields say.
        let cl = try #require(try response("HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n"))
        #expect(cl.bodyFraming(requestMethod: .head) == BodyFraming.none)
        for status in ["100 Continue", "204 No Content", "304 Not Modified"] {
            let head = try #require(try response("HTTP/1.1 \(status)\r\nContent-Length: 5\r\n\r\n"))
            #expect(head.bodyFraming(requestMethod: .get) == BodyFraming.none)
        }
    }

    @Test func grammarMasksAreTheRFCsCharacterSets() {
        let tchar = Set("!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ".utf8)
        let host = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~%!$&'()*+,;=:[]".utf8)
        for b in 0...255 {
            #expect(HTTP1Grammar.isTokenChar(UInt8(b)) == tchar.contains(UInt8(b)), "byte \(b)")
            #expect(HTTP1Grammar.isHostChar(UInt8(b)) == host.contains(UInt8(b)), "byte \(b)")
        }
    }
}
