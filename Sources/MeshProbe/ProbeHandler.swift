import NIOCore

/// The one handler on a check connection: finds where each response ends and tells its probe.
final class ProbeHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer

    private let probe: Probe
    private var scanner = CheckResponseReader()
    /// The last error seen, reported when the connection closes.
    private var failure: String?

    init(probe: Probe) { self.probe = probe }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var buffer = unwrapInboundIn(data)
        switch scanner.feed(&buffer) {
        case .needMore:
            break
        case .complete(let status, let keepAlive):
            scanner.reset()
            probe.responded(status: status, keepAlive: keepAlive, on: context.channel)
        case .malformed(let why):
            failure = why
            context.close(promise: nil)
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        failure = failure ?? CheckFailure.reason(for: error)
        context.close(promise: nil)
    }

    func channelInactive(context: ChannelHandlerContext) {
        probe.closed(context.channel, reason: failure ?? CheckFailure.closed, answered: scanner.hasStarted)
        context.fireChannelInactive()
    }
}
