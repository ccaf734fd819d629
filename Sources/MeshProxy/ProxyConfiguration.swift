public import MeshCore
import MeshHTTP1

/// What one service's listener needs to know; built by the control plane from mesh.yaml.
public struct ProxyConfiguration: Sendable {
    public enum Mode: String, Sendable { case http, tcp }

    /// Listen address, `host:port` or `[v6]:port`.
    public var listen: String
    public var mode: Mode
    public var hashOn: HashOn?
    /// Retries to another endpoint on connect failure / idempotent request failure; 0: never.
    public var retries: Int
    /// Seconds.
    public var connectTimeout: Double
    /// Seconds from the last byte of a request sent to the end of its response head (Envoy's
    /// route timeout also starts at the end of the request); while a body streams either way,
    /// the longest pause between its parts (HAProxy's `timeout server`).
    public var requestTimeout: Double
    /// Seconds a client may take to send a complete request head once it has started one.
    public var clientHeadTimeout: Double
    /// Larger request heads get 431, larger response heads 502; trailers get the same limit.
    public var maxHeadBytes: Int
    /// Longer chunk-size lines (size and extensions) get 400, or 502 from an endpoint.
    public var maxChunkLineBytes: Int
    /// Field lines in one head: more get 431, or 502 from an endpoint.
    public var maxHeadersCount = HTTP1Limits().maxFields
    /// Append `X-Forwarded-For: <client ip>` to requests.
    public var forwardedFor: Bool
    /// Idle keep-alive connections kept per endpoint per event loop.
    public var maxIdlePerEndpoint: Int
    /// Seconds a pooled upstream connection may stay idle before the proxy closes it: shorter than
    /// the keep-alive timeouts of common servers, so that the origin never closes it first.
    public var upstreamIdleTimeout: Double
    /// Seconds a client connection may wait between requests (from the end of a response to the
    /// first byte of the next request) before it closes without a word: HAProxy's `timeout
    /// http-keep-alive`, Envoy's `idle_timeout`, nginx's `keepalive_timeout`.
    public var clientIdleTimeout: Double = 60
    /// Seconds a client may take no byte of what is held for it (nginx's `send_timeout`, the time
    /// between two writes that make progress; HAProxy's `timeout client`); then both
    /// connections close, flag `SI`, and nothing counts against the endpoint.
    public var clientSendTimeout: Double = 60
    /// Seconds a TCP relay may carry no byte either way before both its connections close
    /// (Envoy's TCP proxy `idle_timeout`, 1 h by default; HAProxy's `timeout client`/`server`).
    public var tcpIdleTimeout: Double = 3600
    /// Seconds a graceful stop waits for requests in flight.
    public var drainTimeout: Double
    /// One line per request or connection; nil (the default) keeps the request path as it is.
    public var accessLog: AccessLog?

    public init(listen: String, mode: Mode = .http, hashOn: HashOn? = nil, retries: Int = 2,
                connectTimeout: Double = 1, requestTimeout: Double = 15, clientHeadTimeout: Double = 30,
                maxHeadBytes: Int = 64 * 1024, maxChunkLineBytes: Int = 4096, forwardedFor: Bool = true,
                maxIdlePerEndpoint: Int = 256, upstreamIdleTimeout: Double = 1.5, drainTimeout: Double = 30) {
        self.listen = listen; self.mode = mode; self.hashOn = hashOn; self.retries = retries
        self.connectTimeout = connectTimeout; self.requestTimeout = requestTimeout
        self.clientHeadTimeout = clientHeadTimeout; self.maxHeadBytes = maxHeadBytes
        self.maxChunkLineBytes = maxChunkLineBytes; self.forwardedFor = forwardedFor
        self.maxIdlePerEndpoint = maxIdlePerEndpoint; self.upstreamIdleTimeout = upstreamIdleTimeout
        self.drainTimeout = drainTimeout
    }

    /// Takes listen address and mode from the service's config and the rest from its policy.
    public init(listen: String, mode: Mode, policy: ServicePolicy) {
        self.init(listen: listen, mode: mode, hashOn: policy.hashOn, retries: policy.retries,
                  connectTimeout: policy.connectTimeout, requestTimeout: policy.requestTimeout,
                  drainTimeout: policy.drainTimeout)
    }

    var limits: HTTP1Limits {
        HTTP1Limits(maxHeadBytes: maxHeadBytes, maxChunkLineBytes: maxChunkLineBytes, maxFields: maxHeadersCount)
    }
}
