/// Why a request or connection did not simply succeed, as Envoy's `%RESPONSE_FLAGS%` names it
/// (envoyproxy.io, "Access logging", command operators); `-` when nothing went wrong. HAProxy's
/// termination state (configuration.txt §8.5) says the same in its own letters: UH is `SC`
/// (no server), UF `SC`, UT `sH`, UC `SH`/`SD`, DC `CD`/`CH`, DPE `PR`, UPE `PH`, SI `cD`.
struct ResponseFlags: OptionSet, Sendable {
    let rawValue: UInt16

    /// No healthy endpoint to send it to (503).
    static let noHealthyUpstream = ResponseFlags(rawValue: 1 << 0)
    /// An endpoint could not be connected to.
    static let upstreamConnectionFailure = ResponseFlags(rawValue: 1 << 1)
    /// Tried as often as `retries:` allows and still failed.
    static let upstreamRetryLimitExceeded = ResponseFlags(rawValue: 1 << 2)
    /// The endpoint did not answer within the request timeout (504).
    static let upstreamRequestTimeout = ResponseFlags(rawValue: 1 << 3)
    /// The endpoint's connection ended before its response did.
    static let upstreamConnectionTermination = ResponseFlags(rawValue: 1 << 4)
    /// The client left before the response was whole.
    static let downstreamConnectionTermination = ResponseFlags(rawValue: 1 << 5)
    /// The client's request broke HTTP/1.1's rules (400, 431, 505).
    static let downstreamProtocolError = ResponseFlags(rawValue: 1 << 6)
    /// The endpoint's response broke HTTP/1.1's rules (502).
    static let upstreamProtocolError = ResponseFlags(rawValue: 1 << 7)
    /// The client was too slow: its request body stopped arriving for the request timeout (408),
    /// or it took nothing of its response for `client_send_timeout` (HAProxy's `cD`).
    static let streamIdleTimeout = ResponseFlags(rawValue: 1 << 8)

    /// Envoy's short names, in the order Envoy prints them.
    static let names: [(ResponseFlags, StaticString)] = [
        (.noHealthyUpstream, "UH"), (.upstreamConnectionFailure, "UF"), (.upstreamRequestTimeout, "UT"),
        (.upstreamConnectionTermination, "UC"), (.upstreamRetryLimitExceeded, "URX"),
        (.downstreamConnectionTermination, "DC"), (.downstreamProtocolError, "DPE"), (.upstreamProtocolError, "UPE"),
        (.streamIdleTimeout, "SI"),
    ]
}
