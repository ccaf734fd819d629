import NIOCore

/// One keep-alive connection to an endpoint: it scans each response head in place and hands the
/// bytes to the client connection that owns it for the current request (same event loop).
final class UpstreamConnection: ChannelInboundHandler, Registered {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private enum State { case idle, head, body, upgraded, closed }

    let slot: Int32
    let address: SocketAddress
    private let loop: LoopContext
    private var context: ChannelHandlerContext?
    var registryIndex = -1

    /// The client connection whose request this connection carries; nil while pooled.
    private(set) var owner: HTTPFrontendHandler?
    private var state = State.idle
    private var buffer = ByteBuffer()
    private var scanFrom = 0
    private var body = BodyTracker(.none)
    private var isHeadRequest = false
    private var isUpgradeRequest = false
    /// Any response byte received for the current request (a pooled connection that closes
    /// before one was stale).
    private(set) var receivedAny = false
    private(set) var deadline = NIODeadline.distantFuture
    private var readsPaused = false
    /// The current response lets the connection carry another request.
    private var keepUpstream = false

    init(slot: Int32, address: SocketAddress, loop: LoopContext) {
        self.slot = slot
        self.address = address
        self.loop = loop
    }

    var isUsable: Bool { state == .idle && context?.channel.isActive == true }
    var isBusy: Bool { owner != nil && state != .upgraded }
    var isWritable: Bool { context?.channel.isWritable ?? false }

    // MARK: Requests

    /// Takes on `owner`'s request; the caller writes the request bytes next.
    func begin(owner: HTTPFrontendHandler, isHead: Bool, isUpgrade: Bool, timeout: Double) {
        self.owner = owner
        state = .head
        isHeadRequest = isHead
        isUpgradeRequest = isUpgrade
        receivedAny = false
        scanFrom = 0
        deadline = NIODeadline.now() + .nanoseconds(Int64(timeout * 1e9))
    }

    /// Lets go of the current request without a response (client gone, retried elsewhere).
    func abandon() {
        owner = nil
        close()
    }

    @inline(__always)
    func write(_ bytes: ByteBuffer) {
        context?.write(wrapOutboundOut(bytes), promise: nil)
    }

    func flush() { context?.flush() }

    func close() {
        guard state != .closed else { return }
        state = .closed
        context?.close(promise: nil)
    }

    func reset() {
        state = .closed
        context?.channel.closeWithReset()
    }

    func setReadsPaused(_ paused: Bool) {
        guard paused != readsPaused, let channel = context?.channel else { return }
        readsPaused = paused
        try? channel.syncOptions?.setOption(ChannelOptions.autoRead, value: !paused)
    }

    /// Called by the loop's ticker once the request outlived its deadline.
    func timedOut() {
        guard let owner else { return }
        self.owner = nil
        close()
        owner.upstreamTimedOut(self)
    }

    // MARK: ChannelHandler

    func handlerAdded(context: ChannelHandlerContext) { self.context = context }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var bytes = unwrapInboundIn(data)
        guard let owner else {
            // An idle connection should not speak: it cannot be trusted for the next request.
            close()
            return
        }
        receivedAny = true
        switch state {
        case .body:
            forwardBody(&bytes, to: owner)
        case .head:
            if buffer.readableBytes == 0 { buffer = bytes } else { buffer.writeBuffer(&bytes) }
            readHeads(owner)
        case .upgraded:
            owner.relayToClient(bytes)
        case .idle, .closed:
            close()
        }
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        owner?.flushClient()
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        if context.channel.isWritable { owner?.upstreamWritable() }
    }

    func channelInactive(context: ChannelHandlerContext) {
        let wasIdle = owner == nil
        let previous = state
        state = .closed
        loop.upstreams[Int(slot)].remove(self)
        if wasIdle { loop.forgetIdle(self); return }
        guard let owner else { return }
        self.owner = nil
        switch previous {
        case .body where body.isUntilClose:
            owner.responseComplete(self, reusable: false)
        case .upgraded:
            owner.tunnelClosed()
        default:
            owner.upstreamClosed(self)
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        close()
    }
}

// MARK: Response framing

extension UpstreamConnection {
    private func readHeads(_ owner: HTTPFrontendHandler) {
        while state == .head {
            let maxHead = loop.config.maxHeadBytes
            let from = scanFrom
            let outcome: Result<ResponseHead, HeadError>? = buffer.withUnsafeReadableBytes { p in
                guard let end = HTTPHeadScanner.findEnd(p, from: from) else { return nil }
                return Result { () throws(HeadError) in try HTTPHeadScanner.scanResponse(p, end: end) }
            }
            guard let outcome else {
                scanFrom = buffer.readableBytes
                if scanFrom > maxHead { failResponse(owner) }
                return
            }
            scanFrom = 0
            guard case .success(let head) = outcome, head.length <= maxHead,
                  let headBytes = buffer.readSlice(length: head.length) else {
                failResponse(owner)
                return
            }
            if head.status < 200 {
                if head.status == 101 {
                    guard isUpgradeRequest else { failResponse(owner); return }
                    state = .upgraded
                    owner.upgraded(head: headBytes)
                    if buffer.readableBytes > 0, let rest = buffer.readSlice(length: buffer.readableBytes) {
                        owner.relayToClient(rest)
                    }
                    return
                }
                owner.interimResponse(headBytes)
                continue
            }
            if owner.shouldRetry(status: head.status) {
                self.owner = nil
                close()
                owner.retryAfterFailedResponse(self)
                return
            }
            let framing: BodyFraming = isHeadRequest || head.status == 204 || head.status == 304 ? .none : head.framing
            keepUpstream = !head.connection.close && (!head.isHTTP10 || head.connection.keepAlive)
                && framing != .untilClose
            owner.responseHead(head, framing: framing, bytes: headBytes)
            body = BodyTracker(framing)
            state = .body
            forwardBody(&buffer, to: owner)
        }
    }

    private func forwardBody(_ bytes: inout ByteBuffer, to owner: HTTPFrontendHandler) {
        do {
            while let slice = try body.take(from: &bytes) {
                owner.relayToClient(slice)
            }
        } catch {
            failResponse(owner)
            return
        }
        guard body.isDone else { return }
        // Bytes past the end of the response: the connection cannot be trusted again.
        let clean = bytes.readableBytes == 0
        state = .idle
        self.owner = nil
        deadline = .distantFuture
        setReadsPaused(false)
        owner.responseComplete(self, reusable: clean && keepUpstream && owner.requestFullySent)
    }

    /// A malformed or oversized response: the upstream is dropped and the client told.
    private func failResponse(_ owner: HTTPFrontendHandler) {
        self.owner = nil
        close()
        owner.upstreamClosed(self)
    }
}
