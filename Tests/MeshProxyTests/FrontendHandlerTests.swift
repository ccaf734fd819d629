import MeshCore
import MeshHTTP1
@testable import MeshProxy
import NIOCore
import NIOEmbedded
import Testing

/// The client connection's handler and the upstream connection on `EmbeddedChannel`s: the bytes
/// each side sees, and the actions of the exchange applied to them.
@Suite struct FrontendHandlerTests {
    @Test func noEndpointAnswers503AndKeepsTheConnection() throws {
        let p = try EmbeddedProxy(endpoints: 0)
        try p.send("GET / HTTP/1.1\r\nHost: x\r\n\r\nGET /2 HTTP/1.1\r\nHost: x\r\n\r\n")
        let text = try p.written(p.client)
        #expect(text.ranges(of: "HTTP/1.1 503 Service Unavailable").count == 2)
        #expect(text.contains("x-mesh-top-reason: no healthy endpoint"))
        #expect(p.client.isActive)
    }

    @Test(arguments: [
        ("GET / HTTP/1.1\r\nbroken\r\n\r\n", "HTTP/1.1 400 ", "malformed field name"),
        ("GET / HTTP/3.0\r\nHost: x\r\n\r\n", "HTTP/1.1 505 ", "only HTTP/1.0 and HTTP/1.1"),
        ("GET / HTTP/1.1\r\nX: " + String(repeating: "a", count: 2000), "HTTP/1.1 431 ", "head too large"),
        ("GET / HTTP/1.1\r\nHost: x\r\nX: a\rb\r\n\r\n", "HTTP/1.1 400 ", "CR not followed by LF"),
        ("CONNECT h:443 HTTP/1.1\r\nHost: h:443\r\n\r\n", "HTTP/1.1 501 ", "CONNECT is not supported"),
    ])
    func badRequestsAreAnsweredAndClosed(_ request: String, _ status: String, _ reason: String) throws {
        let p = try EmbeddedProxy { $0.maxHeadBytes = 1024 }
        let upstream = try p.pooledUpstream()
        try p.send(request)
        let text = try p.written(p.client)
        #expect(text.hasPrefix(status) && text.contains(reason), "\(text)")
        #expect(try p.written(upstream).isEmpty)
        p.eventLoop.run()
        #expect(!p.client.isActive || status == "HTTP/1.1 501 ")
    }

    @Test func wellFormedRequestGoesThroughUnchangedOnAPooledConnection() throws {
        let p = try EmbeddedProxy()
        let upstream = try p.pooledUpstream()
        let request = "POST /a HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello"
        try p.send(request)
        #expect(try p.written(upstream) == request)
        let response = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"
        try p.answer(upstream, response)
        #expect(try p.written(p.client) == response)
        #expect(p.idleCount == 1 && p.client.isActive)
    }

    @Test func contentLengthOverriddenByTransferEncodingIsRemoved() throws {
        let p = try EmbeddedProxy()
        let upstream = try p.pooledUpstream()
        try p.send("GET /cl-te HTTP/1.1\r\nHost: x\r\n\r\n")
        try p.answer(upstream, "HTTP/1.1 200 OK\r\nContent-Length: 100\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n")
        #expect(try p.written(p.client) == "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n")
        // An origin that framed its answer two ways is not trusted with another request.
        #expect(p.idleCount == 0 && !upstream.isActive)
    }

    @Test func invalidResponseIs502AndTheUpstreamIsClosed() throws {
        let p = try EmbeddedProxy()
        let upstream = try p.pooledUpstream()
        try p.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n")
        try p.answer(upstream, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\nok")
        let text = try p.written(p.client)
        #expect(text.hasPrefix("HTTP/1.1 502 ") && text.contains("more than one Content-Length"))
        #expect(!upstream.isActive && p.idleCount == 0)
        #expect(p.client.isActive)
    }

    @Test func noBodyStatusesAndHeadResponsesEndAtTheHead() throws {
        let p = try EmbeddedProxy()
        let upstream = try p.pooledUpstream()
        try p.send("HEAD /head-cl HTTP/1.1\r\nHost: x\r\n\r\n")
        try p.answer(upstream, "HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n")
        #expect(try p.written(p.client) == "HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n")
        #expect(p.idleCount == 1)
        try p.send("GET /no-content HTTP/1.1\r\nHost: x\r\n\r\n")
        _ = try p.written(upstream)
        try p.answer(upstream, "HTTP/1.1 204 No Content\r\nContent-Length: 5\r\n\r\nhello")
        // The stray body is not passed on, nor the Content-Length a 204 may not have (RFC 9110
        // §8.6), and the connection that sent it is not reused.
        #expect(try p.written(p.client) == "HTTP/1.1 204 No Content\r\n\r\n")
        #expect(p.idleCount == 0 && !upstream.isActive)
    }

    @Test func postIsNotSentAgainAfterTheUpstreamClosedWithoutAnAnswer() throws {
        let p = try EmbeddedProxy(endpoints: 2)
        let first = try p.pooledUpstream(0)
        let second = try p.pooledUpstream(1)
        try p.send("POST /order HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\n{}")
        #expect(try p.written(first).hasPrefix("POST /order"))
        try first.close().wait()
        #expect(try p.written(p.client).hasPrefix("HTTP/1.1 502 "))
        #expect(try p.written(second).isEmpty)
    }

    @Test func idempotentRequestIsRetriedOnAnotherEndpoint() throws {
        let p = try EmbeddedProxy(endpoints: 2)
        let first = try p.pooledUpstream(0)
        let second = try p.pooledUpstream(1)
        try p.send("GET /a HTTP/1.1\r\nHost: x\r\n\r\n")
        #expect(try p.written(first) == "GET /a HTTP/1.1\r\nHost: x\r\n\r\n")
        try first.close().wait()
        #expect(try p.written(second) == "GET /a HTTP/1.1\r\nHost: x\r\n\r\n")
        try p.answer(second, "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n")
        #expect(try p.written(p.client) == "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n")
    }

    @Test func retriesZeroMeansNever() throws {
        let p = try EmbeddedProxy(endpoints: 2) { $0.retries = 0 }
        let first = try p.pooledUpstream(0)
        let second = try p.pooledUpstream(1)
        try p.send("GET /a HTTP/1.1\r\nHost: x\r\n\r\n")
        _ = try p.written(first)
        try first.close().wait()
        #expect(try p.written(p.client).hasPrefix("HTTP/1.1 502 "))
        #expect(try p.written(second).isEmpty)
    }

    @Test func brokenChunkedBodyIs400AndTheUpstreamIsDropped() throws {
        let p = try EmbeddedProxy()
        let upstream = try p.pooledUpstream()
        try p.send("POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n")
        #expect(try p.written(upstream).hasSuffix("5\r\nhello\r\n"))
        try p.send("3;x\nabc\r\n0\r\n\r\n")
        #expect(try p.written(upstream).isEmpty)
        #expect(!upstream.isActive)
        let text = try p.written(p.client)
        #expect(text.hasPrefix("HTTP/1.1 400 ") && text.contains("line ends without CR"))
    }

    @Test func connectionOptionsNeverRemoveFramingOrRouting() throws {
        let p = try EmbeddedProxy()
        let upstream = try p.pooledUpstream()
        try p.send("POST /u HTTP/1.1\r\nHost: x\r\nConnection: content-length, host, transfer-encoding, x-hop\r\nX-Hop: 1\r\nContent-Length: 3\r\n\r\nabc")
        #expect(try p.written(upstream) == "POST /u HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabc")
    }

    @Test func gracefulStopClosesIdleConnectionsAndFinishesBusyOnes() throws {
        let p = try EmbeddedProxy()
        let upstream = try p.pooledUpstream()
        try p.send("GET /slow HTTP/1.1\r\nHost: x\r\n\r\n")
        _ = try p.written(upstream)
        p.context.beginStop()
        #expect(p.client.isActive)
        try p.answer(upstream, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")
        #expect(try p.written(p.client) == "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok")
        p.eventLoop.run()
        #expect(!p.client.isActive)

        let idle = try EmbeddedProxy()
        idle.context.beginStop()
        idle.eventLoop.run()
        #expect(!idle.client.isActive)
    }

    @Test func upgradeTurnsTheConnectionIntoATunnel() throws {
        let p = try EmbeddedProxy()
        let upstream = try p.pooledUpstream()
        try p.send("GET /ws HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\nEARLY")
        #expect(try p.written(upstream) == "GET /ws HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n")
        try p.answer(upstream, "HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\nhello")
        #expect(try p.written(p.client) == "HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\nhello")
        // Bytes the client sent early, and every later byte, go through untouched both ways.
        #expect(try p.written(upstream) == "EARLY")
        try p.send("GET / HTTP/1.1\r\n")
        #expect(try p.written(upstream) == "GET / HTTP/1.1\r\n")
        try p.answer(upstream, "\u{0}binary\r")
        #expect(try p.written(p.client) == "\u{0}binary\r")
        try upstream.close().wait()
        p.eventLoop.run()
        #expect(!p.client.isActive)
    }

    @Test func hashKeysMatchStableHash() throws {
        func key(_ rule: HashRule, _ text: String) throws -> UInt64 {
            var reader = HTTP1Reader()
            var bytes = ByteBuffer(string: text)
            reader.append(&bytes)
            let (head, headBytes) = try #require(try reader.readRequestHead(watching: rule.name))
            return rule.key(of: head, in: headBytes, clientIP: 7)
        }
        let header = HashRule(kind: .header, name: Array("x-user".utf8))
        #expect(try key(header, "GET /p?q=1 HTTP/1.1\r\nHost: h\r\nX-User: alice\r\n\r\n") == StableHash.hash("alice"))
        #expect(try key(HashRule(kind: .path, name: []), "GET /p?q=1 HTTP/1.1\r\nHost: h\r\n\r\n") == StableHash.hash("/p"))
        #expect(try key(HashRule(kind: .clientIP, name: []), "GET / HTTP/1.1\r\nHost: h\r\n\r\n") == 7)
    }

    @Test func rewriteDropsHopByHopFields() {
        let head = ByteBuffer(string: "GET / HTTP/1.0\r\nConnection: close, x-secret\r\nx-secret: 1\r\nKeep-Alive: 5\r\nA: b\r\n\r\n")
        var info = RequestHead()
        info.isHTTP10 = true
        let out = String(buffer: HeadRewriter.request(head, info, tail: HeadRewriter.tail(forwardedFor: "10.0.0.9", clientCert: nil)))
        #expect(out == "GET / HTTP/1.0\r\nA: b\r\nConnection: keep-alive\r\nX-Forwarded-For: 10.0.0.9\r\n\r\n")
    }
}
