import MeshCore
@testable import MeshProxy
import NIOCore
import NIOEmbedded
import Testing

/// Which timeout bounds a client connection's wait, on `EmbeddedChannel`s: the head timeout
/// from the accept and from a later head's first byte, the keep-alive timeout from the end of a
/// response; empty lines move neither. The ticker's call is made by hand at the deadline.
@Suite struct ClientWaitTests {
    @Test func aResponseStartsTheKeepAliveWaitWhichClosesWithoutAWord() throws {
        let p = try EmbeddedProxy { $0.clientIdleTimeout = 5 }
        let upstream = try p.pooledUpstream()
        let handler = try p.frontend
        #expect(handler.clientWait == .head)
        try p.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n")
        #expect(handler.clientWait == .none && handler.clientDeadline == .distantFuture)
        _ = try p.written(upstream)
        try p.answer(upstream, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")
        _ = try p.written(p.client)
        #expect(handler.clientWait == .keepAlive)
        let deadline = handler.clientDeadline
        // Empty lines are skipped and move nothing.
        try p.send("\r\n\r\n")
        #expect(handler.clientWait == .keepAlive && handler.clientDeadline == deadline)
        handler.clientTimedOut(now: deadline + .nanoseconds(1))
        p.eventLoop.run()
        #expect(try p.written(p.client).isEmpty)
        #expect(!p.client.isActive)
        #expect(p.context.listenerCounters.idleTimeouts == 1)
    }

    @Test func aLaterHeadIsTimedFromItsFirstByteAndGets408() throws {
        let p = try EmbeddedProxy { $0.clientIdleTimeout = 5; $0.clientHeadTimeout = 1 }
        let upstream = try p.pooledUpstream()
        let handler = try p.frontend
        try p.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n")
        _ = try p.written(upstream)
        try p.answer(upstream, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")
        _ = try p.written(p.client)
        try p.send("GET /next HT")
        #expect(handler.clientWait == .head)
        let deadline = handler.clientDeadline
        // More bytes of the same head do not move it (HAProxy's `timeout http-request`).
        try p.send("TP/1.1\r\nX: a")
        #expect(handler.clientDeadline == deadline)
        handler.clientTimedOut(now: deadline + .nanoseconds(1))
        p.eventLoop.run()
        #expect(try p.written(p.client).hasPrefix("HTTP/1.1 408 "))
        #expect(!p.client.isActive)
        #expect(p.context.listenerCounters.headTimeouts == 1)
    }

    /// A client that sent only empty lines was put on no timeout at all and held its
    /// connection for ever.
    @Test func emptyLinesBeforeTheFirstHeadKeepTheAcceptsDeadline() throws {
        let p = try EmbeddedProxy()
        let handler = try p.frontend
        let deadline = handler.clientDeadline
        #expect(handler.clientWait == .head && deadline != .distantFuture)
        try p.send("\r\n")
        #expect(handler.clientWait == .head && handler.clientDeadline == deadline)
        handler.clientTimedOut(now: deadline + .nanoseconds(1))
        p.eventLoop.run()
        #expect(try p.written(p.client).isEmpty)
        #expect(!p.client.isActive)
    }
}
