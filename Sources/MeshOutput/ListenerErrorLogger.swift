public import Logging
public import NIOCore

/// On a listener's server channel: what goes wrong accepting connections (EMFILE, ENFILE,
/// ENOBUFS) goes to the log instead of nowhere. One for the data plane's listeners and the admin
/// API's, behind `AcceptPause` (`install(on:listener:logger:)`).
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

    /// Sets up a listener's server channel: `AcceptPause` (no accept for a second after one
    /// failed for want of descriptors), then the logger. Without it, at the fd limit a connection
    /// waiting in the backlog made the loop call accept4 and fail some 10,000 times a second,
    /// each failure a log line.
    public static func install(on channel: any Channel, listener: String, logger: Logger) throws {
        try channel.pipeline.syncOperations.addHandler(AcceptPause())
        try channel.pipeline.syncOperations.addHandler(ListenerErrorLogger(listener: listener, logger: logger))
    }
}
