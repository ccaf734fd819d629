import MeshHTTP1
import NIOCore

// MARK: Responses, retries and failures (called by the upstream connection, same event loop)

extension HTTPFrontendHandler {
    /// What the upstream connection does after a response head.
    enum AfterHead { case readBody, readNextHead, tunnel, stop }

    func responseHead(_ head: ResponseHead, bytes: ByteBuffer, from conn: UpstreamConnection) -> AfterHead {
        guard upstream === conn else { return .stop }
        if logging { logEntry.upstreamDone = .now() }
        let killed = loop.modes[Int(slot)] == .killed
        let nextAttempt = exchange.retry.used + 1
        let action = exchange.responseHead(head, endpointKilled: killed) {
            guard let next = loop.pick(hash: hash, attempt: nextAttempt, tried: tried) else { return false }
            retrySlot = next
            return true
        }
        switch action {
        case .none:
            return .readNextHead
        case .forwardInterim(let rewrite):
            writeClient(rewrite ? HeadRewriter.response(bytes, keepAlive: true, sayKeepAlive: false, dropContentLength: true,
                                                        dropTransferEncoding: true, interim: true) : bytes)
            return .readNextHead
        case .forwardHead(.unchanged):
            writeClient(bytes)
            return .readBody
        case .forwardHead(.rewritten(let keepAlive, let sayKeepAlive, let dropContentLength, let dropTransferEncoding)):
            // `bytes` may hold the body after the head: it goes on as it is.
            writeClient(HeadRewriter.response(bytes.getSlice(at: bytes.readerIndex, length: head.length)!, keepAlive: keepAlive,
                                              sayKeepAlive: sayKeepAlive, dropContentLength: dropContentLength,
                                              dropTransferEncoding: dropTransferEncoding))
            if bytes.readableBytes > head.length {
                writeClient(bytes.getSlice(at: bytes.readerIndex + head.length, length: bytes.readableBytes - head.length)!)
            }
            return .readBody
        case .upgrade:
            writeClient(bytes)
            if let rest = reader.takeAll() {
                conn.write(rest)
                upstreamNeedsFlush = true
            }
            flushUpstream()
            setReadsPaused(false)
            return .tunnel
        default:
            apply(action)
            process()
            return .stop
        }
    }

    @inline(__always)
    func relayToClient(_ bytes: ByteBuffer) {
        writeClient(bytes)
    }

    /// Writes to the client. The last write is held back until the flush, so that the two go
    /// down the pipeline as one `writeAndFlush` (the common response is one write).
    @inline(__always)
    func writeClient(_ bytes: ByteBuffer) {
        if logging { logEntry.bytesSent += bytes.readableBytes }
        // take(): moved out, not copied and released (no reference-count traffic).
        if let held = heldWrite.take() { context?.write(wrapOutboundOut(held), promise: nil) }
        heldWrite = bytes
        clientNeedsFlush = true
    }

    func responseComplete(_ conn: UpstreamConnection, reusable: Bool) {
        guard upstream === conn else { return loop.release(conn, reusable: false, now: .now()) }
        apply(exchange.responseComplete(upstreamReusable: reusable))
    }

    /// The upstream connection ended before the response did.
    func upstreamClosed(_ conn: UpstreamConnection) {
        guard upstream === conn else { return }
        upstream = nil
        if logging { logEntry.flags.insert(.upstreamConnectionTermination) }
        apply(exchange.upstreamClosed())
        process()
    }

    /// The origin's response broke a rule of RFC 9112.
    func invalidResponse(_ conn: UpstreamConnection, _ violation: HTTP1Violation) {
        guard upstream === conn else { return }
        if logging { logEntry.flags.insert(.upstreamProtocolError) }
        apply(exchange.invalidResponse(violation))
        process()
    }

    /// `endpointStoppedReading`: the request's bytes were waiting for the endpoint to take them,
    /// so a body that stopped coming stopped because the proxy had stopped reading the client.
    func upstreamTimedOut(_ conn: UpstreamConnection, endpointStoppedReading: Bool = false) {
        guard upstream === conn else { return }
        if !endpointStoppedReading, !exchange.requestComplete, exchange.state != .streamingResponse {
            // The client stopped sending its body: its fault, not the endpoint's. A 408, and no
            // outcome for the endpoint (outlier detection would eject it for any slow client).
            finishAttempt(success: true, report: false, status: 0)
            if logging { logEntry.flags.insert(.streamIdleTimeout) }
            apply(exchange.requestBodyTimedOut())
            return process()
        }
        if slot >= 0 { loop.counters[Int(slot)].timeouts &+= 1 }
        if logging { logEntry.flags.insert(.upstreamRequestTimeout) }
        apply(exchange.upstreamTimedOut())
        process()
    }

    func tunnelClosed() {
        upstream = nil
        if logging { logEnd(status: 101) }
        apply(exchange.tunnelClosed())
    }

    // MARK: Actions

    /// Performs what the exchange decided.
    func apply(_ action: HTTPExchange.Action) {
        switch action {
        case .none, .forwardInterim, .forwardHead, .upgrade:
            break
        case .dispatch:
            dispatch()
        case .retry:
            finishAttempt(success: false)
            // The line says why the request failed in the end, not why an attempt did.
            if logging { logEntry.flags = [] }
            dropUpstream()
            dispatch()
        case .respond(let reply):
            finishAttempt(success: false)
            dropUpstream()
            respondLocally(reply)
            if logging { logEnd(status: reply.status) }
        case .complete(let reuse, let closeClient):
            // The first answer on a connection the origin keeps open carries its set-up there
            // (accept, a thread or a TLS handshake), paid once, not per request: timed as the
            // endpoint's answer, p2c-ewma avoided it until that peak decayed (~8 s), by which time
            // its pooled connection had idled out and the next request paid the set-up again
            // (balancer-terminal case 07: one request in 10 s). An origin that closes every
            // connection pays it on every request, so there it is timed.
            let now = finishAttempt(success: exchange.status < 500, sampled: !(upstreamFresh && reuse))
            if logging { logEnd(status: exchange.status) }
            if let conn = upstream {
                upstream = nil
                loop.release(conn, reusable: reuse, now: now ?? .now())
            }
            sent.removeAll(keepingCapacity: true)
            if closeClient || (inputClosed && reader.bufferedBytes == 0) {
                closeAfterFlush()
            } else {
                if clientWait != .send { awaitNextRequest(now: now ?? .now()) }
                flushClient()
                process()
            }
        case .abort:
            finishAttempt(success: false)
            if logging { logEnd(status: exchange.status) }
            dropUpstream()
            closing = true
            // What was passed on goes out first: the client sees the response cut short.
            clientNeedsFlush = true
            flushClient()
            context?.close(promise: nil)
        case .closeClient:
            finishAttempt(success: true)
            closeAfterFlush()
        }
    }

    // MARK: Ending attempts and exchanges

    /// Accounts for the attempt in progress, if any; the time it ended.
    /// `status`: the attempt's (by default the exchange's, which a failed attempt set to 502-504).
    @discardableResult
    /// `sampled`: whether the attempt's answer time is fed to the balancer's latency estimate.
    func finishAttempt(success: Bool, report: Bool = true, status: Int? = nil, sampled: Bool = true) -> NIODeadline? {
        guard slot >= 0 else { return nil }
        defer { slot = -1 }
        return loop.finished(slot, since: attemptStarted, ready: sampled ? upstreamReady : nil, success: success,
                             report: report, status: status ?? exchange.status, sampled: sampled)
    }

    /// Lets go of the current attempt's connection without a response (client gone, retried).
    func dropUpstream() {
        guard let conn = upstream else { return }
        upstream = nil
        conn.abandon()
    }

    /// A response of the proxy's own. The rest of the request body is skipped when it is all
    /// here; otherwise the connection closes after the answer.
    private func respondLocally(_ reply: HTTPExchange.LocalReply) {
        sent.removeAll(keepingCapacity: true)
        var close = reply.close
        if !exchange.requestComplete {
            while (try? reader.readBody()) != nil {}
            if reader.bodyComplete { exchange.requestBodyComplete() } else { close = true }
        }
        if let context {
            writeClient(LocalResponse.make(status: reply.status, reason: reply.reason, close: close,
                                           allocator: context.channel.allocator))
        }
        if close {
            exchange.closing()
            closeAfterFlush()
        } else {
            if clientWait != .send { awaitNextRequest(now: .now()) }
            flushClient()
        }
    }

    /// Closes the client once everything written so far is on the wire.
    func closeAfterFlush() {
        guard let context, !closing else { return }
        closing = true
        exchange.closing()
        clientNeedsFlush = false
        let last = heldWrite.take() ?? ByteBuffer()
        let promise = context.eventLoop.makePromise(of: Void.self)
        context.writeAndFlush(wrapOutboundOut(last), promise: promise)
        promise.futureResult.assumeIsolated().whenComplete { _ in context.close(promise: nil) }
    }
}
