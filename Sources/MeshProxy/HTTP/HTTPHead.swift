/// How a message body is delimited.
enum BodyFraming: Equatable, Sendable {
    case none
    case length(Int)
    case chunked
    /// Response only: the body runs until the upstream closes.
    case untilClose
}

/// The tokens of `Connection:` headers that the proxy acts on.
struct ConnectionTokens: Equatable, Sendable {
    var close = false
    var keepAlive = false
    var upgrade = false
    /// Any other token: a hop-by-hop header name the proxy must strip.
    var other = false
}

/// Methods the proxy treats differently (HEAD responses have no body; idempotent ones retry).
enum MethodKind: UInt8, Sendable {
    case get, head, post, put, delete, options, trace, connect, other

    var isIdempotent: Bool {
        switch self {
        case .get, .head, .put, .delete, .options, .trace: true
        case .post, .connect, .other: false
        }
    }
}

/// What one scan of a request head found. Plain values: scanning allocates nothing.
struct RequestHead: Sendable {
    /// Bytes of the head, blank line included.
    var length = 0
    var method = MethodKind.other
    var isHTTP10 = false
    var framing = BodyFraming.none
    var connection = ConnectionTokens()
    var hasUpgradeHeader = false
    /// `Keep-Alive` or `Proxy-Connection` present: hop-by-hop, must be stripped.
    var hasHopByHopHeader = false
    /// `hash_on` key when the configured header or path was found.
    var hash: UInt64 = 0

    /// Whether the client wants the connection kept after the response.
    var clientKeepAlive: Bool {
        isHTTP10 ? connection.keepAlive && !connection.close : !connection.close
    }

    var isUpgrade: Bool { connection.upgrade && hasUpgradeHeader }

    /// Whether the head can go upstream byte for byte (X-Forwarded-For aside).
    var forwardsUnchanged: Bool {
        !isHTTP10 && !connection.close && !connection.other && !hasHopByHopHeader
            && (connection.upgrade == hasUpgradeHeader)
    }
}

/// What one scan of a response head found.
struct ResponseHead: Sendable {
    var length = 0
    var status = 0
    var isHTTP10 = false
    /// Framing from the headers alone; the caller applies HEAD, 1xx, 204 and 304.
    var framing = BodyFraming.untilClose
    var connection = ConnectionTokens()
    var hasHopByHopHeader = false
}

/// Why a head could not be used, as the status the client gets.
enum HeadError: Error, Equatable {
    case badRequest
    case tooLarge
    case versionNotSupported

    var status: Int {
        switch self {
        case .badRequest: 400
        case .tooLarge: 431
        case .versionNotSupported: 505
        }
    }
}

/// What `hash_on` hashes, prepared once per listener.
struct HashRule: Sendable {
    enum Kind: Sendable { case none, header, path, clientIP }
    var kind: Kind
    /// Lowercased header name for `.header`.
    var name: [UInt8]

    static let none = HashRule(kind: .none, name: [])
}
