import MeshCore
import MeshHTTP1
import MeshTLS
import NIOCore

/// One client connection of an HTTP listener (Envoy's downstream side). It carries bytes: request
/// heads are read in place by the shared HTTP/1 reader and forwarded as slices of the bytes read,
/// one request at a time, in order (pipelining included). What to do at each step is decided by
/// its `HTTPExchange`; this class performs the actions.
final class HTTPFrontendHandler: ChannelInboundHandler, Registered {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    /// Request bytes kept for a retry are dropped past this size (the request then never retries).
    static let replayLimit = 64 * 1024

    let loop: LoopContext
    var context: ChannelHandlerContext?
    var registryIndex = -1

    // MARK: Connection state

    var reader: HTTP1Reader
    var exchange: HTTPExchange
    /// What the connection waits for from its client, and until when (see `ClientWait`).
    var clientWait = ClientWait.head
    var clientDeadline = NIODeadline.distantFuture
    /// Bytes NIO held for the client when the send wait began or last saw progress.
    var sendMark = 0
    var clientIP: String?
    var clientIPHash: UInt64 = 0
    /// `X-Forwarded-For: ip`, `X-Forwarded-Client-Cert: ...` (each when set) and the blank line,
    /// appended to heads forwarded unchanged.
    var forwardedForTail: ByteBuffer?
    /// The `X-Forwarded-Client-Cert` value for a client whose certificate the listener verified.
    var clientCert: String?
    var inputClosed = false
    var readsPaused = false
    var processing = false
    var upstreamNeedsFlush = false
    var clientNeedsFlush = false
    /// The last write to the client, sent with the next flush (see `writeClient`).
    var heldWrite: ByteBuffer?
    var closing = false

    // MARK: The current attempt

    /// Request bytes as sent, for a retry on another connection, while the exchange allows one.
    var sent: [ByteBuffer] = []
    var sentBytes = 0
    var upstream: UpstreamConnection?
    var slot: Int32 = -1
    var hash: UInt64 = 0
    var tried: UInt64 = 0
    var attemptStarted = NIODeadline.now()
    /// When the attempt's request went out on a connection (the attempt's start until then).
    var upstreamReady = NIODeadline.now()
    /// The current attempt went out on a connection opened for it (not taken from the pool).
    var upstreamFresh = false
    /// The endpoint already chosen for the next attempt, if any.
    var retrySlot: Int32 = -1
    /// Tells a connect callback whether it still concerns the current attempt.
    var generation: UInt32 = 0

    // MARK: Access log (only with `access_log:`)

    let logging: Bool
    var logEntry = AccessLogEntry()
    /// An exchange has begun and its line is not written yet.
    var logOpen = false
    /// `ip:port` of the client.
    var clientAddress: [UInt8] = []
    /// The verified client certificate's identity, for the access log.
    var clientPeer: [UInt8]?

    init(loop: LoopContext) {
        self.loop = loop
        reader = HTTP1Reader(limits: loop.config.limits)
        exchange = HTTPExchange(retries: loop.config.retries)
        logging = loop.config.accessLog != nil
        sent.reserveCapacity(4)
    }

    var isClientWritable: Bool { context?.channel.isWritable ?? false }

    // MARK: ChannelHandler

    func handlerAdded(context: ChannelHandlerContext) { self.context = context }

    /// Breaks the handler ↔ context cycle: a closed connection leaves nothing behind.
    func handlerRemoved(context: ChannelHandlerContext) { self.context = nil }

    func channelActive(context: ChannelHandlerContext) {
        loop.frontends.add(self)
        clientIP = context.remoteAddress?.ipAddress
        if logging, let ip = clientIP { clientAddress = Array("\(ip):\(context.remoteAddress?.port ?? 0)".utf8) }
        if let ip = clientIP { clientIPHash = StableHash.hash(ip) }
        makeHeadTail(context.channel.allocator)
        // A connection must start its first request within the head timeout (HAProxy's
        // `timeout http-request` counts from the accept too): silent ones do not stay forever.
        awaitHead(now: .now())
        if loop.stopping { stop() }
    }

    /// The fields every forwarded head gets, ready to append (nil when there are none).
    private func makeHeadTail(_ allocator: ByteBufferAllocator) {
        forwardedForTail = HeadRewriter.tail(forwardedFor: loop.config.forwardedFor ? clientIP : nil,
                                             clientCert: clientCert, allocator: allocator)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var bytes = unwrapInboundIn(data)
        if exchange.state == .upgraded {
            upstream?.write(bytes)
            upstreamNeedsFlush = true
            return
        }
        reader.append(&bytes)
        process()
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        flushUpstream()
        flushClient()
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        let writable = context.channel.isWritable
        upstream?.setReadsPaused(!writable)
        // What the client does not take stays with it (the upstream stops being read), for the
        // send timeout at most.
        if writable { stopAwaitingReading(now: .now()) } else if !closing { awaitReading(now: .now()) }
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let tls = event as? DownstreamTLSEstablished {
            clientCert = tls.forwardedClientCert
            if logging { clientPeer = tls.client.map { Array($0.name.utf8) } }
            return makeHeadTail(context.channel.allocator)
        }
        guard let event = event as? ChannelEvent, event == .inputClosed else { return }
        inputClosed = true
        switch exchange.state {
        case .upgraded: upstream?.close()
        case .idle: closeAfterFlush()
        default: break
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        loop.frontends.remove(self)
        if exchange.state != .idle && exchange.state != .closed {
            // The client left: not the endpoint's fault, so no outcome is reported.
            finishAttempt(success: true, report: false, status: 0)
            if logging { logEnd(status: exchange.state == .streamingResponse ? exchange.status : 0, flags: .downstreamConnectionTermination) }
        }
        exchange.closing()
        closing = true
        generation &+= 1
        dropUpstream()
        sent.removeAll()
        heldWrite = nil
        reader = HTTP1Reader(limits: loop.config.limits)
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
            switch exchange.state {
            case .idle:
                guard !closing, readHead() else { return finishProcessing() }
            case .dispatching, .awaitingResponse, .streamingResponse:
                if let conn = upstream, !exchange.requestComplete { forwardBody(to: conn) }
                return finishProcessing()
            case .upgraded, .closed:
                return finishProcessing()
            }
        }
    }

    private func finishProcessing() {
        flushUpstream()
        let busy = exchange.state != .idle && exchange.state != .closed && exchange.state != .upgraded
        // Stop reading a client that runs ahead (pipelining, a body while connecting, a slow
        // endpoint), so that what is kept stays within a head limit plus one read.
        let ahead = busy && reader.bufferedBytes > loop.config.maxHeadBytes
        let blocked = busy && !exchange.requestComplete && upstream.map { !$0.isWritable } == true
        setReadsPaused(ahead || blocked)
        reader.releaseIfEmpty()
        // A client that stopped sending between requests (or part way through a head) is done.
        if exchange.state == .idle, inputClosed {
            closeAfterFlush()
        }
    }

    /// Reads a complete head and dispatches it; false when there is none (yet).
    private func readHead() -> Bool {
        let request: (RequestHead, ByteBuffer)?
        do {
            request = try reader.readRequestHead(watching: loop.hashRule.name)
        } catch {
            awaitNothing()
            if logging {
                logRejected()
                logEntry.flags.insert(.downstreamProtocolError)
            }
            apply(exchange.requestRejected(error))
            return false
        }
        guard let (head, bytes) = request else {
            // A later head's timeout starts at its first byte; the first head's ran from the
            // accept. Empty lines before a head are skipped and move neither (a client sending
            // CRLF now and then was never timed out).
            if reader.bufferedBytes > 0, clientWait == .keepAlive || clientWait == .none { awaitHead(now: .now()) }
            return false
        }
        awaitNothing()
        begin(head, bytes)
        return true
    }

    private func begin(_ head: RequestHead, _ bytes: ByteBuffer) {
        hash = loop.hashRule.key(of: head, in: bytes, clientIP: clientIPHash)
        tried = 0
        retrySlot = -1
        sent.removeAll(keepingCapacity: true)
        sentBytes = 0
        if head.forwardsUnchanged {
            if let tail = forwardedForTail {
                // Fast path with X-Forwarded-For: the head minus its blank line, then the tail.
                sent.append(bytes.getSlice(at: bytes.readerIndex, length: head.length - 2)!)
                sent.append(tail)
            } else {
                sent.append(bytes)
            }
        } else {
            sent.append(HeadRewriter.request(bytes, head, tail: forwardedForTail))
        }
        if logging {
            let methodEnd = bytes.withUnsafeReadableBytes { $0.firstIndex(of: UInt8(ascii: " ")) } ?? 0
            logBegin(RequestHeadView(bytes: bytes, length: head.length, methodEnd: methodEnd, targetStart: head.targetStart,
                                     targetEnd: head.targetEnd, isHTTP10: head.isHTTP10))
        }
        apply(exchange.requestHead(head, bodyComplete: reader.bodyComplete))
    }

    // MARK: Sending requests

    /// Picks an endpoint for the current attempt and sends the request on a pooled or new connection.
    func dispatch() {
        let chosen = retrySlot >= 0 ? retrySlot : loop.pick(hash: hash, attempt: exchange.retry.used, tried: tried)
        retrySlot = -1
        guard let picked = chosen else {
            if logging { logEntry.flags.insert(exchange.retry.used == 0 ? .noHealthyUpstream : .upstreamRetryLimitExceeded) }
            return apply(exchange.noEndpoint())
        }
        slot = picked
        tried |= LoopContext.bit(picked)
        attemptStarted = .now()
        upstreamReady = attemptStarted
        upstreamFresh = false
        if logging {
            logEntry.slot = picked
            logEntry.attemptStart = attemptStarted
            logEntry.upstreamDone = .distantFuture
        }
        loop.started(picked)
        if let conn = loop.takeIdle(picked, now: attemptStarted) {
            attach(conn)
        } else {
            connectFresh()
        }
    }

    private func connectFresh() {
        generation &+= 1
        let expected = generation
        loop.connect(slot) { result in
            guard self.generation == expected, self.exchange.state == .dispatching, self.upstream == nil else {
                if case .success(let conn) = result { self.loop.release(conn, reusable: true, now: .now()) }
                return
            }
            switch result {
            case .success(let conn):
                self.upstreamReady = .now()
                self.upstreamFresh = true
                self.attach(conn)
                self.process()
            case .failure:
                if self.logging { self.logEntry.flags.insert(.upstreamConnectionFailure) }
                self.apply(self.exchange.connectFailed())
                self.process()
            }
        }
    }

    /// Sends everything of the request so far on `conn`; the body follows as it arrives.
    private func attach(_ conn: UpstreamConnection) {
        upstream = conn
        exchange.attached()
        conn.begin(owner: self, method: exchange.request.method, deadline: attemptStarted + loop.requestTimeout)
        if sent.count == 1 {
            conn.write(sent[0])
        } else {
            for bytes in sent { conn.write(bytes) }
        }
        upstreamNeedsFlush = true
        if !exchange.retry.replayable { sent.removeAll(keepingCapacity: true) }
    }

    private func forwardBody(to conn: UpstreamConnection) {
        var moved = false
        do {
            while let slice = try reader.readBody() {
                moved = true
                conn.write(slice)
                upstreamNeedsFlush = true
                if logging { logEntry.bytesReceived += slice.readableBytes }
                guard exchange.retry.replayable else { continue }
                sentBytes += slice.readableBytes
                if sentBytes > Self.replayLimit {
                    exchange.requestNotReplayable()
                    sent.removeAll(keepingCapacity: true)
                } else {
                    sent.append(slice)
                }
            }
        } catch {
            if logging { logEntry.flags.insert(.downstreamProtocolError) }
            return apply(exchange.requestBodyInvalid(error))
        }
        // The request timeout runs from the last byte of the request, as Envoy's route timeout
        // starts at its end: a body that streams slowly is not cut off while it moves.
        if moved { conn.deadline = .now() + loop.requestTimeout }
        if reader.bodyComplete { exchange.requestBodyComplete() }
    }

    func flushUpstream() {
        guard upstreamNeedsFlush else { return }
        upstreamNeedsFlush = false
        upstream?.flush()
    }

    func flushClient() {
        guard clientNeedsFlush else { return }
        clientNeedsFlush = false
        if let held = heldWrite.take() {
            context?.writeAndFlush(wrapOutboundOut(held), promise: nil)
        } else {
            context?.flush()
        }
    }

    func setReadsPaused(_ paused: Bool) {
        guard paused != readsPaused, let channel = context?.channel else { return }
        readsPaused = paused
        try? channel.syncOptions?.setOption(ChannelOptions.autoRead, value: !paused)
    }

    func upstreamWritable() {
        if readsPaused, !exchange.requestComplete { setReadsPaused(false) }
    }

    var hasRequestInFlight: Bool {
        switch exchange.state {
        case .idle: reader.bufferedBytes > 0
        case .closed: false
        default: true
        }
    }

    /// The listener is stopping gracefully.
    func stop() {
        apply(exchange.stop(requestPending: reader.bufferedBytes > 0))
    }
}

extension RequestHead {
    /// Whether the head can go upstream byte for byte (X-Forwarded-For aside): persistent, with no
    /// hop-by-hop field to remove, and upgrade semantics that need no repair.
    var forwardsUnchanged: Bool {
        !isHTTP10 && !connection.close && !connection.other && !hasHopByHopHeader && !hasClientCertHeader
            && upgradeIsIntact
    }
}
