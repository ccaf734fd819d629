/// A `when:` expression that does not parse.
public struct AlertExpressionError: Error, Sendable, Equatable {
    public var message: String
    init(_ message: String) { self.message = message }
}
