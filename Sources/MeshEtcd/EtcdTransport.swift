public import NIOCore

/// How etcd's v3 JSON gateway is reached: a POST answered whole (a unary gRPC call), or a POST
/// whose answer streams one JSON object per line (a watch); `HTTPClientEtcdTransport` does it
/// on AsyncHTTPClient. `EtcdClient` above it only picks members and speaks the gateway's JSON.
public protocol EtcdTransport: Sendable {
    /// Where futures complete.
    var group: any EventLoopGroup { get }

    /// POSTs `body` (JSON) to `path` at `member`, with `authorization` (an etcd auth token)
    /// as the `Authorization` header when given; the answer's body when its status is 200.
    /// Fails with an `EtcdError`: `.unreachable` when the member cannot be reached or does
    /// not answer within `timeout`, `.answered(status:)` for any other status.
    func post(_ path: String, body: [UInt8], to member: EtcdCluster.Member, authorization: String?, timeout: TimeAmount) -> EventLoopFuture<[UInt8]>

    /// POSTs `body` to `path` at `member` and hands each line of the answer to `onLine`, on an
    /// event loop, until the answer ends, `onLine` throws (the stream then ends with that
    /// error) or it is cancelled.
    func stream(_ path: String, body: [UInt8], to member: EtcdCluster.Member, authorization: String?, connectTimeout: TimeAmount,
                onLine: @escaping @Sendable ([UInt8]) throws -> Void) -> EtcdStream
}

/// A streamed answer being read: cancel it, or learn from `ended` that it stopped.
public struct EtcdStream: Sendable {
    /// Completes when the stream stops; fails with the reason when there is one.
    public let ended: EventLoopFuture<Void>
    private let close: @Sendable () -> Void

    public init(ended: EventLoopFuture<Void>, close: @escaping @Sendable () -> Void) {
        self.ended = ended; self.close = close
    }

    /// Stops reading; `ended` completes.
    public func cancel() { close() }
}
