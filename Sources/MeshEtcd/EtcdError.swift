/// Why an etcd call failed, in one line naming the cluster member.
public struct EtcdError: Error, CustomStringConvertible, Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        /// The member could not be reached, or did not answer in time.
        case unreachable
        /// The member answered with this HTTP status (etcd's gRPC status, through the gateway).
        case answered(status: Int)
        /// A watch asked for history etcd has compacted away: everything after `revision` is
        /// still there, but the events in between are gone. Read everything again.
        case compacted(revision: Int64)
        case other
    }

    public var kind: Kind
    public var description: String

    public init(_ message: String, kind: Kind = .other) {
        description = message
        self.kind = kind
    }

    /// Worth trying another member: this one is gone, frozen, or cannot serve now (5xx: no
    /// leader, not started, too many requests).
    public var isMemberFailure: Bool {
        switch kind {
        case .unreachable: true
        case .answered(let status): status >= 500
        case .compacted, .other: false
        }
    }
}
