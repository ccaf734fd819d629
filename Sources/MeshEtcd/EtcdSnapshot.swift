/// Everything under a prefix at one revision; a watch from `revision + 1` misses nothing after it.
public struct EtcdSnapshot: Sendable, Equatable {
    public var revision: Int64
    public var pairs: [EtcdKeyValue]

    public init(revision: Int64, pairs: [EtcdKeyValue]) { self.revision = revision; self.pairs = pairs }
}
