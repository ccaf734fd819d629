/// Whether a failed attempt may be made again on another endpoint (after Envoy's
/// `retry_state_impl`): a budget from `retries:`, and what the failure lets the proxy assume about
/// the request. A request is sent again only when nothing of it can have been acted on, or when
/// acting on it twice is harmless (RFC 9110 §9.2.2; RFC 9112 §9.3.1: a proxy MUST NOT retry a
/// non-idempotent request on its own).
struct RetryState: Sendable {
    enum Failure {
        /// The connection never opened: not one byte reached the endpoint.
        case connectFailed
        /// The request went out (perhaps in part) and the connection ended before any answer.
        case closedWithoutResponse
        /// 502, 503 or 504 from the endpoint.
        case gatewayStatus
    }

    /// `retries:` — 0 means never.
    let budget: Int
    let idempotent: Bool
    private(set) var used = 0
    /// The request's bytes are still held to send again (large bodies are not kept).
    var replayable = true

    init(budget: Int, idempotent: Bool) {
        self.budget = budget
        self.idempotent = idempotent
    }

    func allows(_ failure: Failure, requestComplete: Bool) -> Bool {
        guard used < budget, replayable else { return false }
        switch failure {
        case .connectFailed: return true
        case .closedWithoutResponse: return idempotent
        // Only a request read whole: the endpoint's answer came before the rest of the body.
        case .gatewayStatus: return idempotent && requestComplete
        }
    }

    /// Spends one retry.
    mutating func use() { used += 1 }
}
