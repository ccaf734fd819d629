import Logging
import NIOCore

/// On a listener's server channel: what goes wrong accepting connections (EMFILE, ENFILE,
/// ENOBUFS; NIO's accept backoff waits them out) goes to the log instead of nowhere.
final class ListenerErrorLogger: ChannelInboundHandler, Sendable {
    typealias InboundIn = any Channel

    private let listener: String
    private let logger: Logger

    init(listener: String, logger: Logger) {
        self.listener = listener
        self.logger = logger
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        logger.error("\(listener): cannot accept a connection: \(error)")
        context.fireErrorCaught(error)
    }
}
