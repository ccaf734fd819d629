/// What one reading of a request head found. Plain values: reading allocates nothing.
public struct RequestHead: Sendable {
    /// Bytes of the head, blank line included.
    public var length = 0
    public var method = MethodKind.other
    public var isHTTP10 = false
    /// Offsets of the request-target within the head.
    public var targetStart = 0
    public var targetEnd = 0
    public var framing = BodyFraming.none
    public var connection = ConnectionTokens()
    public var hasUpgradeHeader = false
    /// `Keep-Alive` or `Proxy-Connection`: hop-by-hop, never forwarded.
    public var hasHopByHopHeader = false
    /// An `X-Forwarded-Client-Cert` field: removed before forwarding (Envoy's `SANITIZE`),
    /// replaced by the listener's own for a client with a verified certificate (`SANITIZE_SET`).
    public var hasClientCertHeader = false
    /// Offsets of the value of the field the caller asked to watch, when present.
    public var watchedValue: Range<Int>?

    public init() {}

    /// Whether the client wants the connection kept after the response (RFC 9112 §9.3).
    public var clientKeepAlive: Bool {
        isHTTP10 ? connection.keepAlive && !connection.close : !connection.close
    }

    /// An upgrade the proxy passes on (RFC 9110 §7.8): `Connection: upgrade` and an `Upgrade`
    /// field, in HTTP/1.1, without a body, not to h2c (see `HTTP1HeadParser.parseRequest`).
    /// Otherwise both are removed before the request goes on.
    public var isUpgrade = false

    /// The head says nothing of an upgrade, or asks one the proxy passes on: no repair needed.
    public var upgradeIsIntact: Bool { isUpgrade || !(connection.upgrade || hasUpgradeHeader) }
}
