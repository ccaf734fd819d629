public import NIOCore
import NIOConcurrencyHelpers

/// A running watch: which member it reads from, the revision up to which it has delivered
/// every change, and `ended`, which completes when it stops: successfully when cancelled or
/// when its member closed the stream or went away (to resume on another), failing when no
/// member would take it (`.unreachable`), when the history it asked for is gone
/// (`.compacted`: read everything again) or when etcd cancelled it. To resume where it
/// stopped, watch again after `revision`.
public final class EtcdWatch: Sendable {
    /// Completes when the watch stops.
    public let ended: EventLoopFuture<Void>
    private let promise: EventLoopPromise<Void>
    private let box: NIOLockedValueBox<State>

    private struct State {
        var revision: Int64
        var member: EtcdCluster.Member?
        var stream: EtcdStream?
        var cancelled = false
    }

    init(after revision: Int64, promise: EventLoopPromise<Void>) {
        self.promise = promise
        ended = promise.futureResult
        box = NIOLockedValueBox(State(revision: revision))
    }

    /// Every change up to this revision has been delivered.
    public var revision: Int64 { box.withLockedValue { $0.revision } }

    /// The member the watch reads from, once one took it.
    public var member: EtcdCluster.Member? { box.withLockedValue { $0.member } }

    public func cancel() {
        let stream = box.withLockedValue { s -> EtcdStream? in
            s.cancelled = true
            return s.stream
        }
        stream?.cancel()
        promise.succeed(())
    }

    // MARK: For the client

    /// Records the stream being opened; false (and nothing recorded) once cancelled.
    func attach(_ stream: EtcdStream) -> Bool {
        box.withLockedValue { s in
            guard !s.cancelled else { return false }
            s.stream = stream
            return true
        }
    }

    func opened(on member: EtcdCluster.Member) { box.withLockedValue { $0.member = member } }

    /// `revision`: what the batch (or a progress notification) brings the watch up to.
    func advance(to revision: Int64) { box.withLockedValue { $0.revision = max($0.revision, revision) } }

    func finish(_ result: Result<Void, any Error>) { promise.completeWith(result) }
}
