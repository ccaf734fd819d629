/// How a message body is delimited (RFC 9112 §6.3).
public enum BodyFraming: Equatable, Sendable {
    case none
    /// Content-Length, in bytes.
    case length(Int)
    case chunked
    /// Response only: the body runs until the origin closes the connection.
    case untilClose
}
