/// Client connections a listener closed for a client's slowness, counted by each event loop and
/// summed by the control plane (Envoy's `downstream_cx_idle_timeout` and HAProxy's `cR`/`cD`
/// terminations say the same). None of them counts against an endpoint.
public struct ListenerCounters: Sendable, Equatable {
    /// Closed without a word after waiting `client_idle_timeout` for a next request.
    public var idleTimeouts: UInt64 = 0
    /// A request head (or the first one after the accept) took longer than the head timeout.
    public var headTimeouts: UInt64 = 0
    /// The client took no byte of a response for `client_send_timeout`.
    public var sendTimeouts: UInt64 = 0

    public init() {}

    public mutating func add(_ other: ListenerCounters) {
        idleTimeouts += other.idleTimeouts
        headTimeouts += other.headTimeouts
        sendTimeouts += other.sendTimeouts
    }
}
