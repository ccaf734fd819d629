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
    public var hasUpgradeHeader = false
    /// Content-Length or Transfer-Encoding came.
    public var hasFramingFields = false
    public var hasTransferEncoding = false
    /// The Content-Length value, 0 when none came.
    public var contentLength = 0

    public init() {}

    /// The body's framing for a response to `method` (RFC 9112 §6.3 item 1): responses to HEAD,
    /// and 1xx, 204 and 304 responses, have none whatever their fields say.
    public func bodyFraming(requestMethod method: MethodKind) -> BodyFraming {
        if method == .head || status < 200 || status == 204 || status == 304 { return .none }
        return framing
    }

    /// 1xx and 204 responses may not have Content-Length or Transfer-Encoding (RFC 9110 §8.6,
    /// RFC 9112 §6.1: a server MUST NOT send them): a recipient that reads them anyway waits for
    /// a body that never comes, or takes the next response for one. They are removed before the
    /// head goes on, as HAProxy does.
    public var hasForbiddenFraming: Bool {
        hasFramingFields && (status < 200 || status == 204)
    }

    /// The origin framed this response in a way only a confused server does: Content-Length
    /// beside Transfer-Encoding, or a 1xx or 204 that announces a body. Its connection is not
    /// trusted with another request.
    /// (`Content-Length: 0` on a 204 is common and harmless.)
    public var hasSuspectFraming: Bool {
        hasOverriddenContentLength || (hasForbiddenFraming && (hasTransferEncoding || contentLength > 0))
    }

    /// Whether the origin lets the connection carry another request (RFC 9112 §9.3).
    public var keepsConnection: Bool {
        !connection.close && (!isHTTP10 || connection.keepAlive)
    }
}
