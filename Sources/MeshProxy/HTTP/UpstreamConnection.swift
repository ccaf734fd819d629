#if canImport(Glibc)
import Glibc
#endif
import MeshHTTP1
import MeshTLS
import NIOCore

/// One keep-alive connection to an endpoint, carrying one attempt at a time (Envoy's upstream
/// request): it reads each response with the shared HTTP/1 reader and hands heads and body slices
/// to the client connection that owns it for the current request (same event loop).
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
    private var reader: HTTP1Reader
    private var requestMethod = MethodKind.get
    /// The current response lets the connection carry another request.
    private var keepUpstream = false
    /// When the current request times out; moved on while its body streams (see
    /// `HTTPFrontendHandler.forwardBody`).
    var deadline = NIODeadline.distantFuture
    /// When the connection last went back to the pool.
    var idleSince = NIODeadline.now()
    private var readsPaused = false
    /// The last write, sent with the next flush.
    private var held: ByteBuffer?

    init(slot: Int32, address: SocketAddress, loop: LoopContext) {
        self.slot = slot
        self.address = address
        self.loop = loop
        reader = HTTP1Reader(limits: loop.config.limits)
    }

    /// Idle and open (`channelInactive` marks it closed): no need to ask the channel.
    var isUsable: Bool { state == .idle && context != nil }
    var isBusy: Bool { owner != nil && state != .upgraded }
    var isWritable: Bool { context?.channel.isWritable ?? false }
    var readsArePaused: Bool { readsPaused }

    /// Bytes held in user space: read and not passed on, written and not taken by the kernel.
    var bytesHeld: Int {
        let unsent = (try? context?.channel.syncOptions?.getOption(ChannelOptions.bufferedWritableBytes)) ?? 0
        return reader.bufferedBytes + (held?.readableBytes ?? 0) + unsent
    }

    /// Whether the origin has closed this pooled connection though the loop has not seen it yet
    /// (its FIN or RST arrived while other connections were being served): the kernel's TCP state
    /// says so at once. TCP_INFO starts with `tcpi_state` (linux/tcp.h); reading its first bytes
    /// through NIO's synchronous option costs one getsockopt and no allocation. A channel that is
    /// not a TCP socket cannot say, and counts as open.
    var peerHasClosed: Bool {
        #if os(Linux)
        guard let options = context?.channel.syncOptions,
              let info = try? options.getOption(ChannelOptions.tcpOption(.tcp_info)) else { return false }
        return Int(info) & 0xFF != Int(TCP_ESTABLISHED)
        #else
        return false
        #endif
    }

    // MARK: Requests

    /// Takes on `owner`'s request, to be answered by `deadline`; the caller writes the request next.
    func begin(owner: HTTPFrontendHandler, method: MethodKind, deadline: NIODeadline) {
        self.owner = owner
        state = .head
        requestMethod = method
        self.deadline = deadline
    }

    /// Lets go of the current request without a response (client gone, retried elsewhere): the
    /// connection is out of step and closes.
    func abandon() {
        owner = nil
        close()
    }

    /// Writes to the endpoint; the last write waits for the flush, to go as one `writeAndFlush`.
    @inline(__always)
    func write(_ bytes: ByteBuffer) {
        if let held = held.take() { context?.write(wrapOutboundOut(held), promise: nil) }
        held = bytes
    }

    func flush() {
        if let bytes = held.take() {
            context?.writeAndFlush(wrapOutboundOut(bytes), promise: nil)
        } else {
            context?.flush()
        }
    }

    func close() {
        guard state != .closed else { return }
        state = .closed
        held = nil
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
        // A body held back because the client reads slowly is not the endpoint's pause: the
        // timeout stops meanwhile and starts afresh when reading resumes (else any slow client
        // could cut downloads short and have healthy endpoints ejected for it).
        if state == .body { deadline = paused ? .distantFuture : .now() + loop.requestTimeout }
    }

    /// Called by the loop's ticker once the request outlived its deadline.
    func timedOut() {
        guard let owner else { return }
        // Request bytes it has not taken: the stall is the endpoint's, not the client's.
        let stoppedReading = !isWritable
        self.owner = nil
        close()
        owner.upstreamTimedOut(self, endpointStoppedReading: stoppedReading)
    }

    // MARK: ChannelHandler

    func handlerAdded(context: ChannelHandlerContext) { self.context = context }

    /// Breaks the handler ↔ context cycle: a closed connection leaves nothing behind.
    func handlerRemoved(context: ChannelHandlerContext) { self.context = nil }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var bytes = unwrapInboundIn(data)
        guard let owner else {
            // An idle connection should not speak: it cannot be trusted for the next request.
            close()
            return
        }
        switch state {
        case .head, .body:
            reader.append(&bytes)
            pump(owner)
        case .upgraded:
            owner.relayToClient(bytes)
        case .idle, .closed:
            close()
        }
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        guard let owner else { return }
        owner.flushClient()
        // A client that takes less than the origin sends: read no more until it catches up.
        if !owner.isClientWritable { setReadsPaused(true) }
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        if context.channel.isWritable { owner?.upstreamWritable() }
    }

    func channelInactive(context: ChannelHandlerContext) {
        let previous = state
        state = .closed
        loop.upstreams[Int(slot)].remove(self)
        let untilClose = reader.body.isUntilClose
        reader = HTTP1Reader(limits: loop.config.limits)
        guard let owner else { return loop.forgetIdle(self) }
        self.owner = nil
        switch previous {
        case .body where untilClose:
            owner.responseComplete(self, reusable: false)
        case .upgraded:
            owner.tunnelClosed()
        default:
            owner.upstreamClosed(self)
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        // In TLS 1.3 an endpoint refuses mesh-top's certificate after mesh-top has sent its
        // Finished (RFC 8446 §4.4.2.4): the alert comes here, a failed handshake all the same.
        if HandshakeFailure.isAlert(error) { loop.handshakeFailed(slot, error) }
        close()
    }
}

// MARK: Responses

extension UpstreamConnection {
    /// Reads what has arrived: heads (1xx ones too), then the body up to its end.
    private func pump(_ owner: HTTPFrontendHandler) {
        do {
            while true {
                switch state {
                case .head:
                    // The whole response in one slice when its body is here already.
                    guard let (head, bytes, _) = try reader.readResponse(requestMethod: requestMethod) else { return }
                    switch owner.responseHead(head, bytes: bytes, from: self) {
                    case .readNextHead:
                        continue
                    case .readBody:
                        // Framing only a confused origin sends: not trusted again.
                        keepUpstream = head.keepsConnection && !head.hasSuspectFraming
                            && !reader.body.isUntilClose
                        state = .body
                    case .tunnel:
                        state = .upgraded
                        if let rest = reader.takeAll() { owner.relayToClient(rest) }
                        return
                    case .stop:
                        self.owner = nil
                        close()
                        return
                    }
                case .body:
                    while let slice = try reader.readBody() { owner.relayToClient(slice) }
                    guard reader.bodyComplete else {
                        reader.releaseIfEmpty()
                        // Once the head is here, the timeout bounds each pause of the body (as
                        // HAProxy's `timeout server`), not a long download as a whole.
                        // Reads of the same wake may come after a pause for a slow client began.
                        if !readsPaused { deadline = .now() + loop.requestTimeout }
                        return
                    }
                    return finishResponse(owner)
                case .idle, .upgraded, .closed:
                    return
                }
            }
        } catch {
            self.owner = nil
            close()
            owner.invalidResponse(self, error)
        }
    }

    private func finishResponse(_ owner: HTTPFrontendHandler) {
        // Bytes past the end of the response: the connection is out of step, never reused.
        let clean = reader.bufferedBytes == 0
        reader.releaseIfEmpty()
        state = .idle
        self.owner = nil
        deadline = .distantFuture
        setReadsPaused(false)
        owner.responseComplete(self, reusable: clean && keepUpstream)
    }
}
