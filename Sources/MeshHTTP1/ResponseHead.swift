/// What one reading of a response head found.
public struct ResponseHead: Sendable {
    public var length = 0
    public var status = 0
    public var isHTTP10 = false
    /// Framing from the fields alone; `bodyFraming(requestMethod:)` applies the status and method.
    public var framing = BodyFraming.untilClose
    public var connection = ConnectionTokens()
    public var hasHopByHopHeader = false
    /// Both Content-Length and Transfer-Encoding came: chunked wins, and the Content-Length must
    /// be removed before the message goes on (RFC 9112 §6.3 item 3).
    public var hasOverriddenContentLength = false

    public init() {}

    /// The body's framing for a response to `method` (RFC 9112 §6.3 item 1): responses to HEAD,
    /// and 1xx, 204 and 304 responses, have none whatever their fields say.
    public func bodyFraming(requestMethod method: MethodKind) -> BodyFraming {
        if method == .head || status < 200 || status == 204 || status == 304 { return .none }
        return framing
    }

    /// Whether the origin lets the connection carry another request (RFC 9112 §9.3).
    public var keepsConnection: Bool {
        !connection.close && (!isHTTP10 || connection.keepAlive)
    }
}
