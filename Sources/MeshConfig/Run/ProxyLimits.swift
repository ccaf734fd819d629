/// What one connection of a service's HTTP listener may hold, and how long a pooled upstream
/// connection may idle (`limits:` in mesh.yaml). Memory per connection follows these, not traffic,
/// as HAProxy's `tune.bufsize` and Envoy's `max_request_headers_kb` make it.
public struct ProxyLimits: Sendable, Equatable {
    /// Bytes of a request or response head (start line and fields; trailers get the same).
    /// Larger: 431 to a client, 502 when an origin sends it. Default 64 KiB (Envoy: 60 KiB).
    public var maxHeaderBytes: Int
    /// Bytes of one chunk-size line with its extensions. Longer: 400, or 502 from an origin.
    public var maxChunkLineBytes: Int
    /// Field lines in one head. More: 431, or 502 from an origin. Default 100 (Envoy's
    /// `max_headers_count`; HAProxy's `tune.http.maxhdr` is 101).
    public var maxHeadersCount: Int
    /// Seconds a pooled upstream connection may stay idle before the proxy closes it. Shorter than
    /// the keep-alive timeouts of common servers (gunicorn 2 s; Node and Apache 5 s; nginx 75 s),
    /// so that an origin never closes a connection the proxy is about to reuse.
    public var upstreamIdleTimeout: Double
    /// Seconds a client connection may wait between requests, from the end of a response to the
    /// first byte of the next request; then it closes without a word. Default 60 s (nginx's
    /// `keepalive_timeout` is 75 s, an AWS load balancer's idle timeout 60 s; HAProxy's
    /// `timeout http-keep-alive`, Envoy's `idle_timeout`).
    public var clientIdleTimeout: Double
    /// Seconds a client may read nothing of a response held for it (the time between two writes
    /// to it that make progress, as nginx's `send_timeout`, default 60 s; HAProxy's `timeout
    /// client`). Then both connections close; the endpoint is not blamed.
    public var clientSendTimeout: Double

    public static let headerBytesRange = 1024...1_048_576
    public static let chunkLineBytesRange = 64...65536
    public static let idleTimeoutRange = 0.01...3600.0
    public static let headersCountRange = 1...10000

    public init(maxHeaderBytes: Int = 65536, maxChunkLineBytes: Int = 4096, maxHeadersCount: Int = 100,
                upstreamIdleTimeout: Double = 1.5, clientIdleTimeout: Double = 60, clientSendTimeout: Double = 60) {
        self.maxHeaderBytes = maxHeaderBytes
        self.maxChunkLineBytes = maxChunkLineBytes
        self.maxHeadersCount = maxHeadersCount
        self.upstreamIdleTimeout = upstreamIdleTimeout
        self.clientIdleTimeout = clientIdleTimeout
        self.clientSendTimeout = clientSendTimeout
    }
}

extension ProxyLimits {
    static let keys = ["max_header_bytes", "max_chunk_line_bytes", "max_headers_count", "upstream_idle_timeout", "client_idle_timeout",
                       "client_send_timeout"]

    init(_ field: Field) throws(ConfigError) {
        self.init()
        let map = try field.object(Self.keys)
        if let f = map["max_header_bytes"] { maxHeaderBytes = try f.int(in: Self.headerBytesRange) }
        if let f = map["max_chunk_line_bytes"] { maxChunkLineBytes = try f.int(in: Self.chunkLineBytesRange) }
        if let f = map["max_headers_count"] { maxHeadersCount = try f.int(in: Self.headersCountRange) }
        if let f = map["upstream_idle_timeout"] { upstreamIdleTimeout = try f.duration(in: Self.idleTimeoutRange) }
        if let f = map["client_idle_timeout"] { clientIdleTimeout = try f.duration(in: Self.idleTimeoutRange) }
        if let f = map["client_send_timeout"] { clientSendTimeout = try f.duration(in: Self.idleTimeoutRange) }
    }
}
