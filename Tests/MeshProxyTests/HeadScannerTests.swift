import MeshCore
@testable import MeshProxy
import NIOCore
import NIOEmbedded
import Testing

@Suite struct HeadScannerTests {
    private func scan(_ text: String, hash: HashRule = .none) throws(HeadError) -> RequestHead? {
        let buffer = ByteBuffer(string: text)
        let result: Result<RequestHead, HeadError>? = buffer.withUnsafeReadableBytes { p in
            guard let end = HTTPHeadScanner.findEnd(p, from: 0) else { return nil }
            return Result { () throws(HeadError) in try HTTPHeadScanner.scanRequest(p, end: end, hash: hash) }
        }
        return try result?.get()
    }

    @Test func simpleGetForwardsUnchanged() throws {
        let head = try #require(try scan("GET /a HTTP/1.1\r\nHost: x\r\n\r\nextra"))
        #expect(head.length == 28)
        #expect(head.method == .get)
        #expect(head.framing == .none)
        #expect(head.clientKeepAlive)
        #expect(head.forwardsUnchanged)
    }

    @Test func incompleteHeadWaits() throws {
        #expect(try scan("GET / HTTP/1.1\r\nHost: x\r\n") == nil)
    }

    @Test func framingAndConnectionTokens() throws {
        let post = try #require(try scan("POST / HTTP/1.1\r\ncontent-LENGTH:  12 \r\nConnection: close\r\n\r\n"))
        #expect(post.framing == .length(12))
        #expect(!post.clientKeepAlive)
        #expect(!post.forwardsUnchanged)
        let chunked = try #require(try scan("PUT / HTTP/1.1\r\nTransfer-Encoding: gzip, chunked\r\n\r\n"))
        #expect(chunked.framing == .chunked)
        let old = try #require(try scan("GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n"))
        #expect(old.isHTTP10 && old.clientKeepAlive && !old.forwardsUnchanged)
        let hop = try #require(try scan("GET / HTTP/1.1\r\nConnection: x-secret\r\nx-secret: 1\r\n\r\n"))
        #expect(hop.connection.other && !hop.forwardsUnchanged)
        let upgrade = try #require(try scan("GET / HTTP/1.1\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n"))
        #expect(upgrade.isUpgrade && upgrade.forwardsUnchanged)
    }

    @Test func malformedHeadsAreRefused() {
        let bad = [
            "GET /\r\n\r\n",
            "GET / HTTP/1.1\r\nno colon here\r\n\r\n",
            "GET / HTTP/1.1\r\nHost : x\r\n\r\n",
            "GET / HTTP/1.1\r\n folded: x\r\n\r\n",
            "POST / HTTP/1.1\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\n",
            "POST / HTTP/1.1\r\nContent-Length: -1\r\n\r\n",
            "POST / HTTP/1.1\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n",
            "POST / HTTP/1.1\r\nTransfer-Encoding: gzip\r\n\r\n",
        ]
        for text in bad {
            #expect(throws: HeadError.badRequest, "\(text.debugDescription)") { _ = try scan(text) }
        }
        #expect(throws: HeadError.versionNotSupported) { _ = try scan("GET / HTTP/2.0\r\n\r\n") }
    }

    @Test func hashKeysMatchStableHash() throws {
        let rule = HashRule(kind: .header, name: Array("x-user".utf8))
        let head = try #require(try scan("GET /p?q=1 HTTP/1.1\r\nX-User: alice\r\n\r\n", hash: rule))
        #expect(head.hash == StableHash.hash("alice"))
        let byPath = try #require(try scan("GET /p?q=1 HTTP/1.1\r\n\r\n", hash: HashRule(kind: .path, name: [])))
        #expect(byPath.hash == StableHash.hash("/p"))
    }

    @Test func responseFraming() throws {
        func response(_ text: String) throws -> ResponseHead {
            try ByteBuffer(string: text).withUnsafeReadableBytes { p in
                let end = try #require(HTTPHeadScanner.findEnd(p, from: 0))
                return try HTTPHeadScanner.scanResponse(p, end: end)
            }
        }
        #expect(try response("HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\n").framing == .length(3))
        #expect(try response("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n").framing == .chunked)
        #expect(try response("HTTP/1.0 200 OK\r\n\r\n").framing == .untilClose)
        let close = try response("HTTP/1.1 503 Busy\r\nConnection: close\r\nContent-Length: 0\r\n\r\n")
        #expect(close.status == 503 && close.connection.close && close.framing == .none)
    }

    @Test func chunkedScannerFindsTheEndAcrossReads() throws {
        let body = Array("4;ext=1\r\nWiki\r\n5\r\npedia\r\n0\r\nTrailer: x\r\n\r\nNEXT".utf8)
        for split in 1..<body.count {
            var scanner = ChunkedBodyScanner()
            var consumed = 0
            for part in [body[0..<split], body[split...]] where !scanner.isDone {
                consumed += try Array(part).withUnsafeBytes { try scanner.scan($0) }
            }
            #expect(scanner.isDone)
            #expect(consumed == body.count - 4)
        }
    }

    @Test func rewriteDropsHopByHopHeaders() {
        let head = ByteBuffer(string: "GET / HTTP/1.0\r\nConnection: close, x-secret\r\nx-secret: 1\r\nKeep-Alive: 5\r\nA: b\r\n\r\n")
        var info = RequestHead()
        info.isHTTP10 = true
        let out = String(buffer: HeadRewriter.request(head, info, forwardedFor: "10.0.0.9"))
        #expect(out == "GET / HTTP/1.0\r\nA: b\r\nConnection: keep-alive\r\nX-Forwarded-For: 10.0.0.9\r\n\r\n")
    }
}

/// The client-side handler without sockets: what it answers by itself.
@Suite struct FrontendHandlerTests {
    private func channel(maxHead: Int = 64 * 1024) throws -> EmbeddedChannel {
        let channel = EmbeddedChannel()
        var config = ProxyConfiguration(listen: "127.0.0.1:0")
        config.maxHeadBytes = maxHead
        let loop = LoopContext(eventLoop: channel.eventLoop, config: config, picker: RoundRobinPicker())
        try channel.pipeline.syncOperations.addHandler(HTTPFrontendHandler(loop: loop))
        try channel.connect(to: SocketAddress(ipAddress: "10.1.2.3", port: 4000)).wait()
        return channel
    }

    private func output(_ channel: EmbeddedChannel) throws -> String {
        var text = ""
        while let buffer = try channel.readOutbound(as: ByteBuffer.self) { text += String(buffer: buffer) }
        return text
    }

    @Test func noEndpointAnswers503AndKeepsTheConnection() throws {
        let channel = try channel()
        try channel.writeInbound(ByteBuffer(string: "GET / HTTP/1.1\r\nHost: x\r\n\r\nGET /2 HTTP/1.1\r\n\r\n"))
        let text = try output(channel)
        #expect(text.ranges(of: "HTTP/1.1 503 Service Unavailable").count == 2)
        #expect(text.contains("x-mesh-top-reason: no healthy endpoint"))
        #expect(channel.isActive)
    }

    @Test func malformedHeadAnswers400AndCloses() throws {
        let channel = try channel()
        try channel.writeInbound(ByteBuffer(string: "GET / HTTP/1.1\r\nbroken\r\n\r\n"))
        #expect(try output(channel).hasPrefix("HTTP/1.1 400 Bad Request"))
        channel.embeddedEventLoop.run()
        #expect(!channel.isActive)
    }

    @Test func oversizedHeadAnswers431() throws {
        let channel = try channel(maxHead: 1024)
        try channel.writeInbound(ByteBuffer(string: "GET / HTTP/1.1\r\nX-Big: " + String(repeating: "a", count: 2000)))
        #expect(try output(channel).hasPrefix("HTTP/1.1 431 "))
    }

    @Test func unsupportedVersionAnswers505() throws {
        let channel = try channel()
        try channel.writeInbound(ByteBuffer(string: "GET / HTTP/3.0\r\n\r\n"))
        #expect(try output(channel).hasPrefix("HTTP/1.1 505 "))
    }
}
