public import Logging
public import NIOCore

/// On a listener's server channel: what goes wrong accepting connections (EMFILE, ENFILE,
/// ENOBUFS; NIO's accept backoff waits them out) goes to the log instead of nowhere. One for
/// the data plane's listeners and the admin API's.
public final class ListenerErrorLogger: ChannelInboundHandler, Sendable {
    public typealias InboundIn = any Channel

    private let listener: String
    private let logger: Logger

    public init(listener: String, logger: Logger) {
        self.listener = listener
        self.logger = logger
    }

    public func errorCaught(context: ChannelHandlerContext, error: any Error) {
        logger.error("\(listener): cannot accept a connection: \(error)")
        context.fireErrorCaught(error)
    }
}
