import NIOCore

// MARK: Responses, retries and failures (called by the upstream connection, same event loop)

extension HTTPFrontendHandler {
    /// Whether a 502/503/504 should be answered by trying another endpoint instead.
    /// Picks the endpoint for the retry now, so that when there is none the endpoint's own
    /// response goes to the client rather than a 502 of the proxy's.
    func shouldRetry(status: Int) -> Bool {
        guard (502...504).contains(status), head.method.isIdempotent, replayable, requestFullySent,
              !responseStarted, attempts < loop.config.retries,
              let next = loop.pick(hash: head.hash, attempt: attempts + 1, tried: tried) else { return false }
        retrySlot = next
        return true
    }

    func retryAfterFailedResponse(_ conn: UpstreamConnection) {
        upstream = nil
        responseStatus = 502
        finishAttempt(success: false)
        attempts += 1
        dispatch()
        process()
    }

    func interimResponse(_ bytes: ByteBuffer) {
        responseStarted = true
        writeClient(bytes)
    }

    /// Forwards a final response head, unchanged unless the connection semantics differ.
    func responseHead(_ response: ResponseHead, framing: BodyFraming, bytes: ByteBuffer) {
        responseStarted = true
        responseStatus = response.status
        // The rest of an unfinished request body cannot be skipped safely; a close-delimited body
        // must end with a close.
        if !requestFullySent || framing == .untilClose || loop.modes[Int(slot)] == .killed { keepAlive = false }
        let sayKeepAlive = keepAlive && (head.isHTTP10 || response.isHTTP10)
        let tokens = response.connection
        let clientInfersClose = framing == .untilClose
            || ((head.isHTTP10 || response.isHTTP10) && !tokens.keepAlive)
        let unchanged = !tokens.other && !response.hasHopByHopHeader
            && (keepAlive ? !tokens.close && (!sayKeepAlive || tokens.keepAlive) : tokens.close || clientInfersClose)
        writeClient(unchanged ? bytes : HeadRewriter.response(bytes, keepAlive: keepAlive, sayKeepAlive: sayKeepAlive))
    }

    @inline(__always)
    func relayToClient(_ bytes: ByteBuffer) {
        writeClient(bytes)
        if let context, !context.channel.isWritable { upstream?.setReadsPaused(true) }
    }

    @inline(__always)
    func writeClient(_ bytes: ByteBuffer) {
        context?.write(wrapOutboundOut(bytes), promise: nil)
        clientNeedsFlush = true
    }

    func responseComplete(_ conn: UpstreamConnection, reusable: Bool) {
        upstream = nil
        finishAttempt(success: responseStatus < 500)
        loop.release(conn, reusable: reusable)
        endExchange()
    }

    /// The upstream closed or sent garbage before the response was complete.
    func upstreamClosed(_ conn: UpstreamConnection) {
        guard upstream === conn else { return }
        upstream = nil
        guard !responseStarted else {
            finishAttempt(success: false)
            abort()
            return
        }
        // A pooled connection the endpoint had already closed: once more on a fresh one.
        if attachedFromPool, !conn.receivedAny, !staleRetryUsed, replayable, loop.isUsable(slot) {
            staleRetryUsed = true
            connectFresh()
            return
        }
        responseStatus = 502
        finishAttempt(success: false)
        if head.method.isIdempotent, replayable, attempts < loop.config.retries {
            attempts += 1
            dispatch()
        } else {
            respondLocally(status: 502, reason: "endpoint closed the connection")
        }
        process()
    }

    func upstreamTimedOut(_ conn: UpstreamConnection) {
        guard upstream === conn else { return }
        upstream = nil
        if slot >= 0 { loop.counters[Int(slot)].timeouts &+= 1 }
        responseStatus = 504
        finishAttempt(success: false)
        if responseStarted {
            abort()
        } else {
            respondLocally(status: 504, reason: "endpoint timed out")
            process()
        }
    }

    // MARK: Upgrades

    /// 101: from now on bytes go both ways untouched.
    func upgraded(head bytes: ByteBuffer) {
        responseStarted = true
        responseStatus = 101
        phase = .upgraded
        writeClient(bytes)
        if buffer.readableBytes > 0, let rest = buffer.readSlice(length: buffer.readableBytes) {
            upstream?.write(rest)
            upstreamNeedsFlush = true
        }
        flushUpstream()
        setReadsPaused(false)
    }

    func tunnelClosed() {
        upstream = nil
        finishAttempt(success: true)
        closeAfterFlush()
    }

    // MARK: Ending exchanges

    func finishAttempt(success: Bool, report: Bool = true) {
        guard slot >= 0 else { return }
        loop.finished(slot, since: attemptStarted, success: success, report: report)
        slot = -1
    }

    private func endExchange() {
        phase = .idle
        if !keepAlive || (inputClosed && buffer.readableBytes == 0) {
            closeAfterFlush()
            return
        }
        flushClient()
        process()
    }

    /// A response of the proxy's own; the connection stays open when the request was read whole.
    func respondLocally(status: Int, reason: String, forceClose: Bool = false) {
        if !requestFullySent {
            while (try? requestBody.take(from: &buffer)) != nil {}
            requestFullySent = requestBody.isDone
        }
        let close = forceClose || !keepAlive || !requestFullySent
        if let context {
            writeClient(LocalResponse.make(status: status, reason: reason, close: close, allocator: context.channel.allocator))
        }
        if let conn = upstream {
            upstream = nil
            conn.abandon()
        }
        phase = .idle
        if close {
            closeAfterFlush()
        } else {
            flushClient()
        }
    }

    /// Closes the client at once (a response cut short, a broken body).
    func abort() {
        finishAttempt(success: false)
        phase = .closed
        if let conn = upstream {
            upstream = nil
            conn.abandon()
        }
        context?.close(promise: nil)
    }

    /// Closes the client once everything written so far is on the wire.
    func closeAfterFlush() {
        guard let context, phase != .closed else { return }
        phase = .closed
        clientNeedsFlush = false
        let promise = context.eventLoop.makePromise(of: Void.self)
        context.writeAndFlush(wrapOutboundOut(ByteBuffer()), promise: promise)
        promise.futureResult.assumeIsolated().whenComplete { _ in context.close(promise: nil) }
    }
}
