public import NIOCore

/// A running watch: cancel it, or learn from `ended` that it stopped.
public struct EtcdWatch: Sendable {
    let channel: EventLoopFuture<any Channel>
    /// Completes when the stream stops; fails with the reason when one is known.
    public let ended: EventLoopFuture<Void>

    public func cancel() {
        channel.whenSuccess { $0.close(promise: nil) }
    }
}
