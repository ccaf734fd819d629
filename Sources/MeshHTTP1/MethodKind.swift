/// Methods a proxy treats differently: HEAD responses have no body, CONNECT opens a tunnel, and
/// only idempotent ones may be sent again after a failure.
public enum MethodKind: UInt8, Sendable {
    case get, head, post, put, delete, options, trace, connect, other

    /// RFC 9110 §9.2.2: GET, HEAD, OPTIONS, TRACE (safe), PUT and DELETE. POST, PATCH and
    /// unknown methods are not: a proxy must not send them twice (RFC 9112 §9.3.1).
    public var isIdempotent: Bool {
        switch self {
        case .get, .head, .put, .delete, .options, .trace: true
        case .post, .connect, .other: false
        }
    }
}
