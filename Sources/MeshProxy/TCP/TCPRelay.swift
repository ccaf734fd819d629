import MeshCore
import NIOCore

/// One client connection of a TCP listener, relayed byte for byte to one endpoint picked when it
/// connects. Each side stops reading while the other cannot take more; a half-close is passed on.
final class TCPRelay: ChannelInboundHandler, Registered {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private let loop: LoopContext
    private var client: ChannelHandlerContext?
    private var upstream: (any Channel)?
    private var upstreamHandler: TCPUpstreamHandler?
    var registryIndex = -1
    private var slot: Int32 = -1
    private var attempts = 0
    private var tried: UInt64 = 0
    private var started = NIODeadline.now()
    private var clientInputClosed = false
    private var upstreamInputDone = false
    private var closed = false
    /// Bytes the client sent before the endpoint was connected (NIO can deliver them, and the
    /// client's half-close, even with autoRead off); written out once connected.
    private var early: [ByteBuffer] = []

    init(loop: LoopContext) { self.loop = loop }

    // MARK: Client side

    func handlerAdded(context: ChannelHandlerContext) { client = context }

    func channelActive(context: ChannelHandlerContext) {
        connectNext(hash: loop.hashRule.kind == .clientIP ? StableHash.hash(context.remoteAddress?.ipAddress ?? "") : 0)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard let upstreamHandler else { return early.append(unwrapInboundIn(data)) }
        upstreamHandler.write(unwrapInboundIn(data))
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        guard let upstream else { return }
        upstream.flush()
        if !upstream.isWritable { setAutoRead(context.channel, false) }
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        if let upstream { setAutoRead(upstream, context.channel.isWritable) }
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        guard let event = event as? ChannelEvent, event == .inputClosed else { return }
        clientInputClosed = true
        if let upstream { shutdownOutput(upstream) }
        if upstreamInputDone { close() }
    }

    func channelInactive(context: ChannelHandlerContext) {
        close()
        client = nil
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) { close() }

    // MARK: Upstream side

    private func connectNext(hash: UInt64) {
        guard let picked = loop.pick(hash: hash, attempt: attempts, tried: tried) else {
            close()
            return
        }
        slot = picked
        tried |= LoopContext.bit(picked)
        started = .now()
        loop.started(picked)
        loop.relays[Int(picked)].add(self)
        let handler = TCPUpstreamHandler(relay: self)
        loop.connectRaw(picked, handler: handler) { result in
            switch result {
            case .success(let channel):
                guard !self.closed else { channel.close(promise: nil); return }
                self.upstream = channel
                self.upstreamHandler = handler
                for bytes in self.early { handler.write(bytes) }
                self.early.removeAll()
                if self.clientInputClosed {
                    self.shutdownOutput(channel)
                } else {
                    channel.flush()
                    if let client = self.client { self.setAutoRead(client.channel, true) }
                }
            case .failure:
                self.loop.relays[Int(picked)].remove(self)
                self.loop.finished(picked, since: self.started, success: false)
                self.slot = -1
                guard !self.closed, self.attempts < self.loop.config.retries else { self.close(); return }
                self.attempts += 1
                self.connectNext(hash: hash)
            }
        }
    }

    func upstreamRead(_ data: NIOAny) { client?.write(data, promise: nil) }


    func upstreamReadComplete() {
        guard let client, let upstream else { return }
        client.flush()
        if !client.channel.isWritable { setAutoRead(upstream, false) }
    }

    func upstreamWritabilityChanged(_ writable: Bool) {
        if let client { setAutoRead(client.channel, writable) }
    }

    func upstreamInputClosed() {
        upstreamInputDone = true
        if let client { shutdownOutput(client.channel) }
        if clientInputClosed { close() }
    }

    // MARK: Closing

    func close() {
        guard !closed else { return }
        closed = true
        if slot >= 0 {
            loop.relays[Int(slot)].remove(self)
            loop.finished(slot, since: started, success: true, report: false)
            slot = -1
        }
        upstream?.close(promise: nil)
        client?.close(promise: nil)
    }

    /// Kill: both sides reset at once.
    func reset() {
        upstream?.closeWithReset()
        client?.channel.closeWithReset()
        close()
    }

    private func setAutoRead(_ channel: any Channel, _ on: Bool) {
        try? channel.syncOptions?.setOption(ChannelOptions.autoRead, value: on)
    }

    /// Passes a half-close on once what was written before it has gone out.
    private func shutdownOutput(_ channel: any Channel) {
        channel.flush()
        channel.close(mode: .output, promise: nil)
    }
}

/// The endpoint side of a `TCPRelay`.
final class TCPUpstreamHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private let relay: TCPRelay
    private var context: ChannelHandlerContext?

    init(relay: TCPRelay) { self.relay = relay }

    func write(_ bytes: ByteBuffer) { context?.write(wrapOutboundOut(bytes), promise: nil) }

    func handlerAdded(context: ChannelHandlerContext) { self.context = context }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) { relay.upstreamRead(data) }
    func channelReadComplete(context: ChannelHandlerContext) { relay.upstreamReadComplete() }
    func channelWritabilityChanged(context: ChannelHandlerContext) {
        relay.upstreamWritabilityChanged(context.channel.isWritable)
    }
    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let event = event as? ChannelEvent, event == .inputClosed { relay.upstreamInputClosed() }
    }
    func channelInactive(context: ChannelHandlerContext) { relay.close() }
    func errorCaught(context: ChannelHandlerContext, error: any Error) { relay.close() }
}
