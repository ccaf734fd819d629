/// How traffic to an endpoint is secured, as the latest sample saw it: nil in `EndpointLoad`
/// means plain TCP. `mutual` is verified mutual TLS (the endpoint proved the identity the
/// service expects and mesh-top presented its own certificate), Linkerd's "meshed".
public struct EndpointTLS: Codable, Sendable, Equatable {
    public enum Mode: String, Codable, Sendable {
        /// Encrypted; the endpoint's certificate was not checked, or mesh-top presented none.
        case tls
        /// Verified both ways.
        case mutual
    }

    public var mode: Mode
    /// The endpoint's identity (its SPIFFE ID, DNS name or subject), once a handshake succeeded.
    public var peer: String?
    /// Whole days until the endpoint's certificate expires.
    public var expiresInDays: Int?
    /// Failed handshakes with the endpoint (or wrong identities) since mesh-top started.
    public var handshakeFailures: Int

    public init(mode: Mode, peer: String? = nil, expiresInDays: Int? = nil, handshakeFailures: Int = 0) {
        self.mode = mode; self.peer = peer; self.expiresInDays = expiresInDays; self.handshakeFailures = handshakeFailures
    }
}
