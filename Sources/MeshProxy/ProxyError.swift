/// A failure to start or run a listener, with a one-line message for the operator.
public struct ProxyError: Error, CustomStringConvertible, Sendable {
    public var description: String
    public init(_ description: String) { self.description = description }
}
