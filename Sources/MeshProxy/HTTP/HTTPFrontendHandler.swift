import MeshCore
import NIOCore

/// One client connection of an HTTP listener. Request heads are scanned in place and forwarded as
/// slices of the bytes read; requests are handled one at a time, in order (pipelining included).
final class HTTPFrontendHandler: ChannelInboundHandler, Registered {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    enum Phase { case idle, dispatched, upgraded, closed }

    /// Request bytes kept for a retry are dropped past this size (the request then never retries).
    static let replayLimit = 64 * 1024

    let loop: LoopContext
    var context: ChannelHandlerContext?
    var registryIndex = -1

    // MARK: Connection state

    var phase = Phase.idle
    /// Bytes read and not yet forwarded: the rest of a head, body bytes, pipelined requests.
    var buffer = ByteBuffer()
    var scanFrom = 0
    var headDeadline = NIODeadline.distantFuture
    var clientIP: String?
    var clientIPHash: UInt64 = 0
    /// `X-Forwarded-For: ip` and the blank line, appended to heads forwarded unchanged.
    var forwardedForTail: ByteBuffer?
    var inputClosed = false
    var readsPaused = false
    var processing = false
    var upstreamNeedsFlush = false
    var clientNeedsFlush = false

    // MARK: Current request

    var head = RequestHead()
    var requestBody = BodyTracker(.none)
    var requestFullySent = true
    var keepAlive = true
    /// Request bytes as sent, for a retry on another connection, while `replayable`.
    var sent: [ByteBuffer] = []
    var sentBytes = 0
    var replayable = true
    var upstream: UpstreamConnection?
    var slot: Int32 = -1
    var attempts = 0
    var tried: UInt64 = 0
    var staleRetryUsed = false
    var responseStarted = false
    var responseStatus = 0
    var attemptStarted = NIODeadline.now()
    var attachedFromPool = false
    /// The endpoint already chosen for the next attempt, if any.
    var retrySlot: Int32 = -1
    /// Tells a connect callback whether it still concerns the current attempt.
    var generation: UInt32 = 0

    init(loop: LoopContext) {
        self.loop = loop
        sent.reserveCapacity(4)
    }

    var isClientWritable: Bool { context?.channel.isWritable ?? false }

    // MARK: ChannelHandler

    func handlerAdded(context: ChannelHandlerContext) { self.context = context }

    func channelActive(context: ChannelHandlerContext) {
        loop.frontends.add(self)
        clientIP = context.remoteAddress?.ipAddress
        if let ip = clientIP {
            clientIPHash = StableHash.hash(ip)
            if loop.config.forwardedFor {
                var tail = context.channel.allocator.buffer(capacity: 24 + ip.utf8.count)
                tail.writeString("X-Forwarded-For: \(ip)\r\n\r\n")
                forwardedForTail = tail
            }
        }
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var bytes = unwrapInboundIn(data)
        if phase == .upgraded {
            upstream?.write(bytes)
            upstreamNeedsFlush = true
            return
        }
        if buffer.readableBytes == 0 {
            buffer = bytes
        } else {
            if buffer.readerIndex > Self.replayLimit { buffer.discardReadBytes() }
            buffer.writeBuffer(&bytes)
        }
        process()
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        flushUpstream()
        flushClient()
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        upstream?.setReadsPaused(!context.channel.isWritable)
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        guard let event = event as? ChannelEvent, event == .inputClosed else { return }
        inputClosed = true
        if phase == .upgraded {
            upstream?.close()
        } else if phase == .idle {
            closeAfterFlush()
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        loop.frontends.remove(self)
        let wasBusy = phase == .dispatched || phase == .upgraded
        phase = .closed
        generation &+= 1
        if wasBusy {
            // The client left: not the endpoint's fault, so no outcome is reported.
            finishAttempt(success: true, report: false)
        }
        if let conn = upstream {
            upstream = nil
            conn.abandon()
        }
        self.context = nil
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }

    // MARK: Reading requests

    /// Works through the buffered bytes: heads, bodies, pipelined requests. Re-entrant calls
    /// (a callback fired while forwarding) are folded into the running one.
    func process() {
        guard !processing else { return }
        processing = true
        defer { processing = false }
        while true {
            switch phase {
            case .idle:
                guard startRequest() else { return finishProcessing() }
            case .dispatched:
                if let conn = upstream, !requestFullySent { forwardBody(to: conn) }
                return finishProcessing()
            case .upgraded, .closed:
                return finishProcessing()
            }
        }
    }

    private func finishProcessing() {
        flushUpstream()
        // Stop reading a client that runs ahead (pipelining, slow endpoint), so memory stays bounded.
        let ahead = phase == .dispatched && requestFullySent && buffer.readableBytes > loop.config.maxHeadBytes
        let blocked = phase == .dispatched && !requestFullySent && upstream.map { !$0.isWritable } == true
        setReadsPaused(ahead || blocked)
        if phase == .idle, inputClosed {
            closeAfterFlush()
        }
    }

    /// Scans for a complete head and dispatches it; false when there is none (yet).
    private func startRequest() -> Bool {
        // Empty lines before a request are allowed (RFC 9112 §2.2).
        while let b = buffer.getInteger(at: buffer.readerIndex, as: UInt8.self), b == 0x0D || b == 0x0A {
            buffer.moveReaderIndex(forwardBy: 1)
        }
        guard buffer.readableBytes > 0 else {
            headDeadline = .distantFuture
            return false
        }
        if headDeadline == .distantFuture {
            headDeadline = .now() + .nanoseconds(Int64(loop.config.clientHeadTimeout * 1e9))
        }
        let from = scanFrom
        let rule = loop.hashRule
        let outcome: Result<RequestHead, HeadError>? = buffer.withUnsafeReadableBytes { p in
            guard let end = HTTPHeadScanner.findEnd(p, from: from) else { return nil }
            return Result { () throws(HeadError) in try HTTPHeadScanner.scanRequest(p, end: end, hash: rule) }
        }
        guard let outcome else {
            scanFrom = buffer.readableBytes
            if scanFrom > loop.config.maxHeadBytes { reject(.tooLarge) }
            return false
        }
        scanFrom = 0
        headDeadline = .distantFuture
        switch outcome {
        case .failure(let error):
            reject(error)
            return false
        case .success(var parsed):
            guard parsed.length <= loop.config.maxHeadBytes else { reject(.tooLarge); return false }
            if loop.hashRule.kind == .clientIP { parsed.hash = clientIPHash }
            let headBytes = buffer.readSlice(length: parsed.length)!
            begin(parsed, headBytes)
            return true
        }
    }

    private func begin(_ parsed: RequestHead, _ headBytes: ByteBuffer) {
        head = parsed
        requestBody = BodyTracker(parsed.framing)
        requestFullySent = requestBody.isDone
        keepAlive = parsed.clientKeepAlive
        attempts = 0
        tried = 0
        staleRetryUsed = false
        responseStarted = false
        responseStatus = 0
        sent.removeAll(keepingCapacity: true)
        sentBytes = 0
        replayable = true
        phase = .dispatched
        if parsed.method == .connect {
            respondLocally(status: 501, reason: "CONNECT is not supported")
            return
        }
        let endsWithCRLF = headBytes.getInteger(at: headBytes.writerIndex - 2, as: UInt8.self) == 0x0D
        if parsed.forwardsUnchanged, endsWithCRLF {
            if let tail = forwardedForTail {
                // Fast path with X-Forwarded-For: the head minus its blank line, then the tail.
                sent.append(headBytes.getSlice(at: headBytes.readerIndex, length: parsed.length - 2)!)
                sent.append(tail)
            } else {
                sent.append(headBytes)
            }
        } else {
            sent.append(HeadRewriter.request(headBytes, parsed, forwardedFor: loop.config.forwardedFor ? clientIP : nil))
        }
        dispatch()
    }

    // MARK: Sending requests

    /// Picks an endpoint for the current attempt and sends the request on a pooled or new connection.
    func dispatch() {
        let chosen = retrySlot >= 0 ? retrySlot : loop.pick(hash: head.hash, attempt: attempts, tried: tried)
        retrySlot = -1
        guard let picked = chosen else {
            if attempts == 0 {
                respondLocally(status: 503, reason: "no healthy endpoint")
            } else {
                respondLocally(status: 502, reason: "no endpoint left to retry")
            }
            return
        }
        slot = picked
        tried |= LoopContext.bit(picked)
        attemptStarted = .now()
        loop.started(picked)
        if let conn = loop.takeIdle(picked) {
            attachedFromPool = true
            attach(conn)
        } else {
            connectFresh()
        }
    }

    func connectFresh() {
        generation &+= 1
        let expected = generation
        loop.connect(slot) { result in
            guard self.generation == expected, self.phase == .dispatched, self.upstream == nil else {
                if case .success(let conn) = result { self.loop.release(conn, reusable: true) }
                return
            }
            switch result {
            case .success(let conn):
                self.attachedFromPool = false
                self.attach(conn)
                self.process()
            case .failure:
                self.connectFailed()
            }
        }
    }

    private func connectFailed() {
        finishAttempt(success: false)
        if attempts < loop.config.retries {
            attempts += 1
            dispatch()
            process()
        } else {
            respondLocally(status: 502, reason: "endpoint unreachable")
            process()
        }
    }

    /// Sends everything of the request so far on `conn`; the body follows as it arrives.
    func attach(_ conn: UpstreamConnection) {
        upstream = conn
        conn.begin(owner: self, isHead: head.method == .head, isUpgrade: head.isUpgrade,
                   timeout: loop.config.requestTimeout)
        for bytes in sent { conn.write(bytes) }
        upstreamNeedsFlush = true
        if !replayable { sent.removeAll(keepingCapacity: true) }
    }

    private func forwardBody(to conn: UpstreamConnection) {
        do {
            while let slice = try requestBody.take(from: &buffer) {
                conn.write(slice)
                upstreamNeedsFlush = true
                if replayable {
                    sentBytes += slice.readableBytes
                    if sentBytes > Self.replayLimit {
                        replayable = false
                        sent.removeAll(keepingCapacity: true)
                    } else {
                        sent.append(slice)
                    }
                }
            }
            requestFullySent = requestBody.isDone
        } catch {
            // A broken chunked body half forwarded: nothing sensible can follow on either side.
            abort()
        }
    }

    func flushUpstream() {
        guard upstreamNeedsFlush else { return }
        upstreamNeedsFlush = false
        upstream?.flush()
    }

    func flushClient() {
        guard clientNeedsFlush else { return }
        clientNeedsFlush = false
        context?.flush()
    }

    func setReadsPaused(_ paused: Bool) {
        guard paused != readsPaused, let channel = context?.channel else { return }
        readsPaused = paused
        try? channel.syncOptions?.setOption(ChannelOptions.autoRead, value: !paused)
    }

    func upstreamWritable() {
        if readsPaused, phase == .dispatched, !requestFullySent { setReadsPaused(false) }
    }

    /// A head that cannot be used: the client is told why, then the connection closes.
    private func reject(_ error: HeadError) {
        let reason = switch error {
        case .badRequest: "malformed request head"
        case .tooLarge: "request head too large"
        case .versionNotSupported: "only HTTP/1.0 and HTTP/1.1 are supported"
        }
        respondLocally(status: error.status, reason: reason, forceClose: true)
    }

    func headTimedOut() {
        headDeadline = .distantFuture
        guard phase == .idle else { return }
        respondLocally(status: 408, reason: "request head not received in time", forceClose: true)
    }
}
