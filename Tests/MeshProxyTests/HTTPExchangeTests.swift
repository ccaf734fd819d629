import MeshHTTP1
@testable import MeshProxy
import NIOCore
import Testing

/// The exchange's decisions, input by input, without a channel.
@Suite struct HTTPExchangeTests {
    func head(_ text: String) throws -> RequestHead {
        var reader = HTTP1Reader()
        var bytes = ByteBuffer(string: text)
        reader.append(&bytes)
        return try #require(try reader.readRequestHead()).0
    }

    func response(_ text: String) throws -> ResponseHead {
        var reader = HTTP1Reader()
        var bytes = ByteBuffer(string: text)
        reader.append(&bytes)
        return try #require(try reader.readResponseHead(requestMethod: .get)).0
    }

    static let get = "GET / HTTP/1.1\r\nHost: h\r\n\r\n"
    static let post = "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 2\r\n\r\n"

    @Test func retriesFollowWhatTheFailureSaysAboutTheRequest() throws {
        // (request, retries, failure) -> retried?
        let cases: [(String, Int, (inout HTTPExchange) -> HTTPExchange.Action, Bool)] = [
            (Self.get, 2, { $0.connectFailed() }, true),
            (Self.post, 2, { $0.connectFailed() }, true),
            (Self.get, 0, { $0.connectFailed() }, false),
            (Self.get, 2, { $0.upstreamClosed() }, true),
            (Self.post, 2, { $0.upstreamClosed() }, false),
            (Self.get, 0, { $0.upstreamClosed() }, false),
        ]
        for (request, retries, fail, retried) in cases {
            var exchange = HTTPExchange(retries: retries)
            #expect(exchange.requestHead(try head(request), bodyComplete: true) == .dispatch)
            exchange.attached()
            let action = fail(&exchange)
            if retried {
                #expect(action == .retry)
            } else if case .respond(let reply) = action {
                #expect(reply.status == 502)
            } else {
                Issue.record("expected a 502, got \(action)")
            }
        }
    }

    @Test func theBudgetIsSpentAcrossAttempts() throws {
        var exchange = HTTPExchange(retries: 1)
        _ = exchange.requestHead(try head(Self.get), bodyComplete: true)
        exchange.attached()
        #expect(exchange.upstreamClosed() == .retry)
        exchange.attached()
        #expect(exchange.upstreamClosed() == .respond(.init(status: 502, reason: "endpoint closed the connection", close: false)))
    }

    @Test func gatewayStatusIsRetriedOnlyWhenAnotherEndpointIsThere() throws {
        var exchange = HTTPExchange(retries: 2)
        _ = exchange.requestHead(try head(Self.get), bodyComplete: true)
        exchange.attached()
        #expect(exchange.responseHead(try response("HTTP/1.1 503 Busy\r\nContent-Length: 0\r\n\r\n"), endpointKilled: false) { true } == .retry)
        exchange.attached()
        let last = exchange.responseHead(try response("HTTP/1.1 503 Busy\r\nContent-Length: 0\r\n\r\n"), endpointKilled: false) { false }
        #expect(last == .forwardHead(.unchanged))
        #expect(exchange.responseComplete(upstreamReusable: true) == .complete(reuseUpstream: true, closeClient: false))
    }

    @Test func noRetryOnceTheRequestOutgrewWhatIsKept() throws {
        var exchange = HTTPExchange(retries: 2)
        _ = exchange.requestHead(try head("PUT / HTTP/1.1\r\nHost: h\r\nContent-Length: 100000\r\n\r\n"), bodyComplete: false)
        exchange.attached()
        exchange.requestNotReplayable()
        #expect(exchange.upstreamClosed() != .retry)
    }

    @Test func anAnswerBeforeTheWholeBodyClosesBothSides() throws {
        var exchange = HTTPExchange(retries: 2)
        _ = exchange.requestHead(try head(Self.post), bodyComplete: false)
        exchange.attached()
        let action = exchange.responseHead(try response("HTTP/1.1 413 Too Large\r\nContent-Length: 0\r\n\r\n"), endpointKilled: false) { true }
        #expect(action == .forwardHead(.rewritten(keepAlive: false, sayKeepAlive: false, dropContentLength: false, dropTransferEncoding: false)))
        #expect(exchange.responseComplete(upstreamReusable: true) == .complete(reuseUpstream: false, closeClient: true))
    }

    @Test func responseHeadsGoOnUnchangedUnlessTheyMustNot() throws {
        func forwarding(_ request: String, _ text: String) throws -> HTTPExchange.Action {
            var exchange = HTTPExchange(retries: 0)
            _ = exchange.requestHead(try head(request), bodyComplete: true)
            exchange.attached()
            return exchange.responseHead(try response(text), endpointKilled: false) { false }
        }
        #expect(try forwarding(Self.get, "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n") == .forwardHead(.unchanged))
        #expect(try forwarding(Self.get, "HTTP/1.1 200 OK\r\nContent-Length: 0\r\nKeep-Alive: timeout=5\r\n\r\n")
            == .forwardHead(.rewritten(keepAlive: true, sayKeepAlive: false, dropContentLength: false, dropTransferEncoding: false)))
        // An HTTP/1.0 answer to an HTTP/1.1 client must say the connection stays.
        #expect(try forwarding(Self.get, "HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n")
            == .forwardHead(.rewritten(keepAlive: true, sayKeepAlive: true, dropContentLength: false, dropTransferEncoding: false)))
        // Until close: the client infers the close from the missing length.
        #expect(try forwarding(Self.get, "HTTP/1.0 200 OK\r\n\r\n") == .forwardHead(.unchanged))
        #expect(try forwarding(Self.get, "HTTP/1.1 200 OK\r\nContent-Length: 9\r\nTransfer-Encoding: chunked\r\n\r\n")
            == .forwardHead(.rewritten(keepAlive: true, sayKeepAlive: false, dropContentLength: true, dropTransferEncoding: false)))
        // RFC 9110 §15.2: no 1xx to an HTTP/1.0 client; an HTTP/1.1 one gets it.
        #expect(try forwarding("GET / HTTP/1.0\r\n\r\n", "HTTP/1.1 100 Continue\r\n\r\n") == HTTPExchange.Action.none)
        #expect(try forwarding(Self.get, "HTTP/1.1 100 Continue\r\n\r\n") == .forwardInterim(rewrite: false))
        // A 101 nobody asked for is a broken response; so is one without Upgrade (RFC 9110 §7.8),
        // and one to an upgrade the proxy did not pass on (HTTP/1.0, a body, h2c).
        let upgrade = "GET / HTTP/1.1\r\nHost: h\r\nConnection: upgrade\r\nUpgrade: websocket\r\n\r\n"
        for (request, text) in [(Self.get, "HTTP/1.1 101 Switching\r\nUpgrade: websocket\r\n\r\n"),
                                (upgrade, "HTTP/1.1 101 Switching\r\n\r\n"),
                                ("GET / HTTP/1.0\r\nConnection: upgrade\r\nUpgrade: websocket\r\n\r\n",
                                 "HTTP/1.1 101 Switching\r\nUpgrade: websocket\r\n\r\n")] {
            #expect(try forwarding(request, text) == .respond(HTTPExchange.LocalReply(
                status: 502, reason: "invalid response from endpoint: \(HTTP1Violation.switchingProtocols.reason)",
                close: request.contains("HTTP/1.0"))), "\(request.debugDescription) \(text.debugDescription)")
        }
        #expect(try forwarding(upgrade, "HTTP/1.1 101 Switching\r\nUpgrade: websocket\r\n\r\n") == .upgrade)
        // A 1xx goes on unchanged unless it has hop-by-hop or framing fields (RFC 9110 §7.6.1, §8.6).
        #expect(try forwarding(Self.get, "HTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\n") == .forwardInterim(rewrite: false))
        #expect(try forwarding(Self.get, "HTTP/1.1 103 Early Hints\r\nConnection: x\r\nX: 1\r\n\r\n") == .forwardInterim(rewrite: true))
        #expect(try forwarding(Self.get, "HTTP/1.1 102 Processing\r\nContent-Length: 5\r\n\r\n") == .forwardInterim(rewrite: true))
        // A 204 loses its Content-Length and Transfer-Encoding (RFC 9110 §8.6, RFC 9112 §6.1); a 304 keeps them.
        #expect(try forwarding(Self.get, "HTTP/1.1 204 No Content\r\nTransfer-Encoding: chunked\r\n\r\n")
            == .forwardHead(.rewritten(keepAlive: true, sayKeepAlive: false, dropContentLength: true, dropTransferEncoding: true)))
        #expect(try forwarding(Self.get, "HTTP/1.1 304 Not Modified\r\nContent-Length: 5\r\n\r\n") == .forwardHead(.unchanged))
    }

    @Test func stopClosesAnIdleConnectionAndMakesABusyOneItsLastExchange() throws {
        var idle = HTTPExchange(retries: 0)
        #expect(idle.stop(requestPending: false) == .closeClient)
        var partial = HTTPExchange(retries: 0)
        #expect(partial.stop(requestPending: true) == HTTPExchange.Action.none)
        _ = partial.requestHead(try head(Self.get), bodyComplete: true)
        partial.attached()
        _ = partial.responseHead(try response("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"), endpointKilled: false) { false }
        #expect(partial.responseComplete(upstreamReusable: true) == .complete(reuseUpstream: true, closeClient: true))
    }

    @Test func aBodyBrokenAfterTheResponseBeganAbortsElseItIs400() throws {
        var early = HTTPExchange(retries: 0)
        _ = early.requestHead(try head("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n"), bodyComplete: false)
        early.attached()
        #expect(early.requestBodyInvalid(.chunkSize) == .respond(.init(status: 400, reason: "malformed chunk size", close: true)))
        var late = HTTPExchange(retries: 0)
        _ = late.requestHead(try head("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n"), bodyComplete: false)
        late.attached()
        _ = late.responseHead(try response("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"), endpointKilled: false) { false }
        #expect(late.requestBodyInvalid(.chunkSize) == .abort)
    }
}
