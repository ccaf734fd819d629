/// How traffic to an endpoint is secured, as the latest sample saw it: nil in `EndpointLoad`
/// means plain TCP. `mutual` is verified mutual TLS (the endpoint proved the identity the
/// service expects and mesh-top presented its own certificate), Linkerd's "meshed".
public struct EndpointTLS: Codable, Sendable, Equatable {
    public enum Mode: String, Codable, Sendable, CaseIterable, RecordedName {
        /// Encrypted; the endpoint's certificate was not checked, or mesh-top presented none.
        case tls
        /// Verified both ways.
        case mutual
    }

    /// The default of the certificate-expiry alert (`cert_expiry_days` in mesh.yaml), and where
    /// the dashboard starts showing the days in the warning colour.
    public static let expiryWarningDays = 7

    public var mode: Mode
    /// The endpoint's identity (its SPIFFE ID, DNS name or subject), once a handshake succeeded.
    public var peer: String?
    /// Whole days until the endpoint's certificate expires.
    public var expiresInDays: Int?
    /// Failed handshakes with the endpoint (or wrong identities) since mesh-top started.
    public var handshakeFailures: Int
    /// true when the built-in CA issued the endpoint's certificate and mesh-top renews it
    /// (`tls: auto`): short-lived by design, so no expiry alert.
    public var managed: Bool?

    public init(mode: Mode, peer: String? = nil, expiresInDays: Int? = nil, handshakeFailures: Int = 0, managed: Bool? = nil) {
        self.mode = mode; self.peer = peer; self.expiresInDays = expiresInDays; self.handshakeFailures = handshakeFailures
        self.managed = managed
    }
}
