/// The options of `Connection` fields that a proxy acts on (RFC 9110 §7.6.1).
public struct ConnectionTokens: Equatable, Sendable {
    public var close = false
    public var keepAlive = false
    public var upgrade = false
    /// Any other option: the name of a hop-by-hop field to remove before forwarding.
    public var other = false

    public init() {}
}
