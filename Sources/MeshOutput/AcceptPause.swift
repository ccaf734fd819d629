public import NIOCore
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// On a listener's server channel: when an accept fails for want of descriptors or memory
/// (EMFILE, ENFILE, ENOBUFS, ENOMEM), the listener stops accepting for `delay`; connections wait
/// in the kernel's backlog meanwhile (HAProxy likewise pauses a listener at a resource limit).
/// NIO's `AcceptBackoffHandler` cannot do this for `ServerBootstrap.bind`: when the first accept
/// of a wake fails NIO keeps its read pending, so no read reaches the backoff to delay, and the
/// loop called accept4 again at once, some 10,000 times a second.
final class AcceptPause: ChannelInboundHandler {
    typealias InboundIn = any Channel

    private let delay: TimeAmount
    private var paused = false

    init(delay: TimeAmount = .seconds(1)) { self.delay = delay }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        defer { context.fireErrorCaught(error) }
        guard !paused, let io = error as? IOError, [EMFILE, ENFILE, ENOBUFS, ENOMEM].contains(io.errnoCode) else { return }
        paused = true
        let channel = context.channel
        try? channel.syncOptions?.setOption(ChannelOptions.autoRead, value: false)
        context.eventLoop.assumeIsolated().scheduleTask(in: delay) {
            self.paused = false
            try? channel.syncOptions?.setOption(ChannelOptions.autoRead, value: true)
        }
    }
}
