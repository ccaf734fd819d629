/// Why an etcd call failed, in one line naming the cluster member.
public struct EtcdError: Error, CustomStringConvertible, Sendable, Equatable {
    public var description: String
    public init(_ message: String) { description = message }
}
