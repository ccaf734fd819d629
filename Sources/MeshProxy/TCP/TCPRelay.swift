import MeshCore
import MeshTLS
import NIOCore

/// One client connection of a TCP listener, relayed byte for byte to one endpoint picked when it
/// connects. Each side stops reading while the other cannot take more; a half-close is passed on,
/// and a connection done both ways is closed only once its last bytes are written.
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
    /// Set when the relay has ended that side's output (a half-close, or a close once its input
    /// had ended too); completes when the bytes before it are written.
    private var clientOutputEnded: EventLoopFuture<Void>?
    private var upstreamOutputEnded: EventLoopFuture<Void>?
    private var closed = false
    /// A byte went either way since the ticker last looked (a store per read, no clock read).
    private var moved = false
    private var quietSince = NIODeadline.now()
    /// Bytes the client sent before the endpoint was connected (NIO can deliver them, and the
    /// client's half-close, even with autoRead off); written out once connected.
    private var early: [ByteBuffer] = []
    // Access log (only with `access_log:`): one line per connection.
    private let logging: Bool
    private var logEntry = AccessLogEntry()
    private var clientAddress: [UInt8] = []
    /// The verified client certificate's identity, for the access log.
    private var clientPeer: [UInt8]?

    init(loop: LoopContext) {
        self.loop = loop
        logging = loop.config.accessLog != nil
    }

    // MARK: Client side

    func handlerAdded(context: ChannelHandlerContext) { client = context }

    /// Breaks the handler ↔ context cycle: a closed connection leaves nothing behind.
    func handlerRemoved(context: ChannelHandlerContext) { client = nil }

    func channelActive(context: ChannelHandlerContext) {
        if logging {
            logEntry = .starting()
            if let ip = context.remoteAddress?.ipAddress { clientAddress = Array("\(ip):\(context.remoteAddress?.port ?? 0)".utf8) }
        }
        connectNext(hash: loop.hashRule.kind == .clientIP ? StableHash.hash(context.remoteAddress?.ipAddress ?? "") : 0)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let bytes = unwrapInboundIn(data)
        moved = true
        if logging { logEntry.bytesReceived += bytes.readableBytes }
        guard let upstreamHandler else { return early.append(bytes) }
        upstreamHandler.write(bytes)
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
        if let tls = event as? DownstreamTLSEstablished {
            if logging { clientPeer = tls.client.map { Array($0.name.utf8) } }
            return
        }
        guard let event = event as? ChannelEvent, event == .inputClosed else { return }
        clientInputClosed = true
        clientOutputEnded?.assumeIsolated().whenComplete { _ in context.close(promise: nil) }
        if let upstreamHandler { upstreamOutputEnded = upstreamHandler.endOutput(inputDone: upstreamInputDone) }
    }

    /// The client is gone (NIO also ends here, not in `inputClosed`, when the input of a
    /// half-closed channel ends): the endpoint gets what is already on its way, then a close.
    func channelInactive(context: ChannelHandlerContext) {
        clientInputClosed = true
        if let upstream {
            if let ended = upstreamOutputEnded {
                ended.assumeIsolated().whenComplete { _ in upstream.close(promise: nil) }
            } else {
                upstreamOutputEnded = upstreamHandler?.endOutput(inputDone: true)
            }
        }
        settle()
        client = nil
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) { close() }

    // MARK: Upstream side

    private func connectNext(hash: UInt64) {
        guard let picked = loop.pick(hash: hash, attempt: attempts, tried: tried) else {
            if logging { logEntry.flags.insert(attempts == 0 ? .noHealthyUpstream : .upstreamRetryLimitExceeded) }
            close()
            return
        }
        slot = picked
        tried |= LoopContext.bit(picked)
        started = .now()
        if logging {
            logEntry.slot = picked
            logEntry.attemptStart = started
            logEntry.retries = attempts
        }
        loop.started(picked)
        loop.relays[Int(picked)].add(self)
        let handler = TCPUpstreamHandler(relay: self)
        loop.connectRaw(picked, handler: handler) { result in
            switch result {
            case .success(let channel):
                guard !self.closed else { channel.close(promise: nil); return }
                if self.logging { self.logEntry.upstreamDone = .now() }
                self.upstream = channel
                self.upstreamHandler = handler
                for bytes in self.early { handler.write(bytes) }
                self.early.removeAll()
                if self.clientInputClosed {
                    self.upstreamOutputEnded = handler.endOutput(inputDone: false)
                } else {
                    channel.flush()
                    if let client = self.client { self.setAutoRead(client.channel, true) }
                }
            case .failure:
                if self.logging { self.logEntry.flags.insert(.upstreamConnectionFailure) }
                self.loop.relays[Int(picked)].remove(self)
                self.loop.finished(picked, since: self.started, success: false)
                self.slot = -1
                guard !self.closed, self.attempts < self.loop.config.retries else { self.close(); return }
                self.attempts += 1
                self.connectNext(hash: hash)
            }
        }
    }

    func upstreamRead(_ bytes: ByteBuffer) {
        moved = true
        if logging { logEntry.bytesSent += bytes.readableBytes }
        client?.write(wrapOutboundOut(bytes), promise: nil)
    }

    /// The endpoint's connection is gone for good: the relay and its upstream handler let go
    /// of each other.
    func upstreamRemoved() {
        upstream = nil
        upstreamHandler = nil
    }


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
        if let upstream { upstreamOutputEnded?.assumeIsolated().whenComplete { _ in upstream.close(promise: nil) } }
        if let client { clientOutputEnded = Self.endOutput(of: client, inputDone: clientInputClosed) }
    }

    /// The endpoint's connection is gone without an error: the client gets every byte already
    /// relayed, then a close.
    func upstreamInactive() {
        upstreamInputDone = true
        if let client {
            if let ended = clientOutputEnded {
                ended.assumeIsolated().whenComplete { _ in client.close(promise: nil) }
            } else {
                clientOutputEnded = Self.endOutput(of: client, inputDone: true)
            }
        }
        settle()
    }

    // MARK: Closing

    /// Called by the loop's ticker: a relay quiet both ways since `cutoff` is closed (Envoy's
    /// TCP proxy `idle_timeout`): two silent peers would otherwise hold it for ever.
    func closeIfQuiet(now: NIODeadline, cutoff: NIODeadline) {
        if moved {
            moved = false
            quietSince = now
        } else if quietSince < cutoff {
            close()
        }
    }

    /// Ends the relay at once: both connections closed, whatever is unwritten dropped (errors,
    /// no endpoint left, shutdown).
    func close() {
        settle()
        upstream?.close(promise: nil)
        client?.close(promise: nil)
    }

    /// The relay no longer counts against its endpoint; its connections finish on their own.
    private func settle() {
        guard !closed else { return }
        closed = true
        if logging { loop.log(logEntry, client: clientAddress, peer: clientPeer) }
        if slot >= 0 {
            loop.relays[Int(slot)].remove(self)
            loop.finished(slot, since: started, success: true, report: false)
            slot = -1
        }
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

    /// Ends a side's output once what was written before has gone out: a half-close while its
    /// input is open, else a close. (NIO turns an output close on a channel whose input has
    /// ended into a full close at once, dropping bytes not yet written: a slow reader's tail.)
    static func endOutput(of context: ChannelHandlerContext, inputDone: Bool) -> EventLoopFuture<Void> {
        let written = context.eventLoop.makePromise(of: Void.self)
        if inputDone {
            context.writeAndFlush(NIOAny(ByteBuffer()), promise: written)
            written.futureResult.assumeIsolated().whenComplete { _ in context.close(promise: nil) }
        } else {
            context.flush()
            context.close(mode: .output, promise: written)
        }
        return written.futureResult
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

    func endOutput(inputDone: Bool) -> EventLoopFuture<Void>? {
        context.map { TCPRelay.endOutput(of: $0, inputDone: inputDone) }
    }

    func handlerAdded(context: ChannelHandlerContext) { self.context = context }

    func handlerRemoved(context: ChannelHandlerContext) {
        self.context = nil
        relay.upstreamRemoved()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) { relay.upstreamRead(unwrapInboundIn(data)) }
    func channelReadComplete(context: ChannelHandlerContext) { relay.upstreamReadComplete() }
    func channelWritabilityChanged(context: ChannelHandlerContext) {
        relay.upstreamWritabilityChanged(context.channel.isWritable)
    }
    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let event = event as? ChannelEvent, event == .inputClosed { relay.upstreamInputClosed() }
    }
    func channelInactive(context: ChannelHandlerContext) { relay.upstreamInactive() }
    func errorCaught(context: ChannelHandlerContext, error: any Error) { relay.close() }
}
