import MeshHTTP1

/// One client request and the upstream response to it, as a value. Each input returns the one
/// action the client connection's handler then performs, so the handler only carries bytes and
/// every decision — retry or answer, keep or close, forward the head as it is or rewritten — is
/// made here and tested without sockets (the shape of swift-nio's
/// `NIOTypedHTTPServerUpgraderStateMachine`). The split follows Envoy's router: this is the
/// router's view of a request, an `UpstreamConnection` carries one attempt (its
/// `upstream_request`), and `RetryState` says whether another is allowed.
struct HTTPExchange: Sendable {
    enum State: Equatable, Sendable {
        /// Between requests.
        case idle
        /// Choosing an endpoint, or connecting to it.
        case dispatching
        /// The request is going or has gone out; no response byte has been passed on.
        case awaitingResponse
        /// The response head has gone to the client; its body follows.
        case streamingResponse
        /// 101: bytes go both ways untouched until either side closes.
        case upgraded
        /// The client connection is done with.
        case closed
    }

    /// A response the proxy makes itself.
    struct LocalReply: Equatable, Sendable {
        var status: Int
        var reason: String
        /// The connection closes after it. It also closes when the rest of the request body is not
        /// at hand to skip: what follows could not be told apart from the next request.
        var close: Bool
    }

    /// How a final response head goes to the client.
    enum HeadForwarding: Equatable, Sendable {
        /// The bytes as they came: the common case, no copy.
        case unchanged
        /// Copied without hop-by-hop fields, with the proxy's own connection semantics, and
        /// without a Content-Length that Transfer-Encoding overrides (RFC 9112 §6.3 item 3), or
        /// the Content-Length and Transfer-Encoding of a 204 (RFC 9112 §6.1, RFC 9110 §8.6).
        case rewritten(keepAlive: Bool, sayKeepAlive: Bool, dropContentLength: Bool, dropTransferEncoding: Bool)
    }

    enum Action: Equatable, Sendable {
        case none
        /// Choose an endpoint and send the request on a pooled or new connection.
        case dispatch
        /// The attempt failed: account for it, drop its connection, dispatch again.
        case retry
        /// Answer locally; the attempt in progress, if any, failed and its connection is dropped.
        case respond(LocalReply)
        /// Pass a 1xx head on and wait for the final one; `rewrite`: without its hop-by-hop
        /// fields, Content-Length and Transfer-Encoding (RFC 9110 §7.6.1, §8.6).
        case forwardInterim(rewrite: Bool)
        case forwardHead(HeadForwarding)
        /// Pass the 101 on and relay bytes from now on.
        case upgrade
        /// The response is whole: pool the upstream connection or close it; keep or close the client.
        case complete(reuseUpstream: Bool, closeClient: Bool)
        /// Close the client at once: a response cut short cannot be finished.
        case abort
        /// Close the client once what is written has gone.
        case closeClient
    }

    let retries: Int
    private(set) var state = State.idle
    private(set) var request = RequestHead()
    private(set) var retry = RetryState(budget: 0, idempotent: false)
    /// The client connection stays open after this exchange.
    private(set) var keepAlive = true
    /// The whole request body has been read from the client.
    private(set) var requestComplete = true
    /// A 1xx went to the client: the response has begun, no retry can follow.
    private(set) var interimForwarded = false
    /// The listener is stopping: this connection's current request is its last.
    private(set) var stopping = false
    /// The final status, the proxy's own or the endpoint's.
    private(set) var status = 0

    /// - Parameter retries: `retries:` of the service.
    init(retries: Int) { self.retries = retries }

    // MARK: Requests

    mutating func requestHead(_ head: RequestHead, bodyComplete: Bool) -> Action {
        request = head
        requestComplete = bodyComplete
        keepAlive = head.clientKeepAlive && !stopping
        retry = RetryState(budget: retries, idempotent: head.method.isIdempotent)
        interimForwarded = false
        status = 0
        guard head.method != .connect else { return respond(501, "CONNECT is not supported") }
        state = .dispatching
        return .dispatch
    }

    /// A head that breaks a rule: the client is told which, and the connection closes (RFC 9112
    /// §6.3: after a framing error nothing that follows can be trusted).
    mutating func requestRejected(_ violation: HTTP1Violation) -> Action {
        keepAlive = false
        return respond(violation.requestStatus, violation.reason)
    }

    mutating func requestBodyComplete() { requestComplete = true }

    /// The request outgrew what is kept to send again.
    mutating func requestNotReplayable() { retry.replayable = false }

    /// A chunked body broke a rule part way: the endpoint has a truncated request, which the
    /// dropped connection ends; the client gets a 400 if nothing of a response has gone yet.
    mutating func requestBodyInvalid(_ violation: HTTP1Violation) -> Action {
        keepAlive = false
        switch state {
        case .streamingResponse, .upgraded:
            state = .closed
            return .abort
        default:
            return respond(violation.requestStatus, violation.reason)
        }
    }

    /// The client took longer than the head timeout to send a head, or to start one on a new
    /// connection. `received`: part of a head came, which gets a 408 (RFC 9110 §15.5.9);
    /// a connection that never spoke is closed without a word, as HAProxy and nginx do (a 408
    /// could cross a request the client is sending at that moment).
    mutating func headTimedOut(received: Bool = true) -> Action {
        guard state == .idle else { return .none }
        keepAlive = false
        guard received else {
            state = .closed
            return .closeClient
        }
        return respond(408, "request head not received in time")
    }

    // MARK: Attempts

    mutating func noEndpoint() -> Action {
        retry.used == 0 ? respond(503, "no healthy endpoint") : respond(502, "no endpoint left to retry")
    }

    /// The request is being written on a connection.
    mutating func attached() {
        if state == .dispatching { state = .awaitingResponse }
    }

    mutating func connectFailed() -> Action {
        failed(.connectFailed, status: 502, "endpoint unreachable")
    }

    /// The connection ended before the response did (a body that runs until close is not this).
    mutating func upstreamClosed() -> Action {
        if state == .streamingResponse { return abort() }
        return failed(.closedWithoutResponse, status: 502, "endpoint closed the connection")
    }

    /// The origin's response broke a rule (RFC 9112 §6.3: 502, and the connection is not reused).
    mutating func invalidResponse(_ violation: HTTP1Violation) -> Action {
        if state == .streamingResponse { return abort() }
        return respond(502, "invalid response from endpoint: \(violation.reason)")
    }

    /// The client's request body stopped arriving for the request timeout, before any response:
    /// a 408 (RFC 9110 §15.5.9), as Envoy's stream idle timeout answers, and the connection closes
    /// (the rest of the body may still come).
    mutating func requestBodyTimedOut() -> Action {
        keepAlive = false
        return respond(408, "request body not received in time")
    }

    mutating func upstreamTimedOut() -> Action {
        if state == .streamingResponse { return abort() }
        return respond(504, "endpoint timed out")
    }

    private mutating func failed(_ failure: RetryState.Failure, status: Int, _ reason: String) -> Action {
        self.status = status
        if !interimForwarded, retry.allows(failure, requestComplete: requestComplete) {
            retry.use()
            state = .dispatching
            return .retry
        }
        return respond(status, reason)
    }

    // MARK: Responses

    /// A response head from the endpoint.
    /// - Parameters:
    ///   - endpointKilled: the operator killed the endpoint: its connections do not stay.
    ///   - alternative: whether another endpoint is there to retry a 502–504 on (asked only when
    ///     a retry is otherwise allowed; when there is none, the endpoint's own answer goes on).
    mutating func responseHead(_ head: ResponseHead, endpointKilled: Bool, alternative: () -> Bool) -> Action {
        if head.status < 200 {
            guard head.status == 101 else {
                // RFC 9110 §15.2: a server MUST NOT send a 1xx to an HTTP/1.0 client.
                guard !request.isHTTP10 else { return .none }
                interimForwarded = true
                let tokens = head.connection
                return .forwardInterim(rewrite: tokens.other || tokens.close || tokens.keepAlive || tokens.upgrade
                    || head.hasHopByHopHeader || head.hasUpgradeHeader || head.hasFramingFields)
            }
            // RFC 9110 §15.2.2, §7.8: a 101 answers an upgrade request, and names its protocol.
            guard request.isUpgrade, head.hasUpgradeHeader else { return invalidResponse(.switchingProtocols) }
            status = 101
            state = .upgraded
            return .upgrade
        }
        if (502...504).contains(head.status), !interimForwarded,
           retry.allows(.gatewayStatus, requestComplete: requestComplete), alternative() {
            retry.use()
            status = head.status
            state = .dispatching
            return .retry
        }
        status = head.status
        state = .streamingResponse
        let framing = head.bodyFraming(requestMethod: request.method)
        // The rest of an unread request body cannot be skipped safely; a body that runs until
        // close must end with a close, and so must a chunked one to an HTTP/1.0 client, which
        // cannot read chunked framing and so reads the body to the close (RFC 9112 §6.1).
        if !requestComplete || framing == .untilClose || endpointKilled || stopping
            || (request.isHTTP10 && framing == .chunked) { keepAlive = false }
        let either10 = request.isHTTP10 || head.isHTTP10
        let sayKeepAlive = keepAlive && either10
        let tokens = head.connection
        let clientInfersClose = framing == .untilClose || (either10 && !tokens.keepAlive)
        let forbidden = head.hasForbiddenFraming
        let unchanged = !tokens.other && !head.hasHopByHopHeader && !head.hasOverriddenContentLength && !forbidden
            && (keepAlive ? !tokens.close && (!sayKeepAlive || tokens.keepAlive) : tokens.close || clientInfersClose)
        if unchanged { return .forwardHead(.unchanged) }
        return .forwardHead(.rewritten(keepAlive: keepAlive, sayKeepAlive: sayKeepAlive,
                                       dropContentLength: head.hasOverriddenContentLength || forbidden,
                                       dropTransferEncoding: forbidden))
    }

    /// The response has been passed on whole.
    mutating func responseComplete(upstreamReusable: Bool) -> Action {
        let close = !keepAlive
        state = close ? .closed : .idle
        return .complete(reuseUpstream: upstreamReusable && requestComplete, closeClient: close)
    }

    mutating func tunnelClosed() -> Action {
        state = .closed
        return .closeClient
    }

    // MARK: The client connection

    /// The handler closes the client connection (after a local answer, say).
    mutating func closing() {
        keepAlive = false
        state = .closed
    }

    /// The listener stops (HAProxy's soft-stop): a connection between requests closes now; one
    /// with a request in progress, or part of one received, finishes it and then closes.
    mutating func stop(requestPending: Bool) -> Action {
        stopping = true
        keepAlive = false
        guard state == .idle, !requestPending else { return .none }
        state = .closed
        return .closeClient
    }

    private mutating func abort() -> Action {
        keepAlive = false
        state = .closed
        return .abort
    }

    private mutating func respond(_ status: Int, _ reason: String) -> Action {
        self.status = status
        state = keepAlive ? .idle : .closed
        return .respond(LocalReply(status: status, reason: reason, close: !keepAlive))
    }
}
