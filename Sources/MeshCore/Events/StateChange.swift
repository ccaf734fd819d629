/// `endpoint.state`: an endpoint moved from one state to another, and why.
public struct StateChange: Codable, Sendable, Equatable {
    public var endpoint: EndpointRef
    public var from: EndpointState
    public var to: EndpointState
    public var reason: String

    public init(endpoint: EndpointRef, from: EndpointState, to: EndpointState, reason: String) {
        self.endpoint = endpoint; self.from = from; self.to = to; self.reason = reason
    }
}

extension StateChange {
    /// A change of health verdict (healthy, unhealthy, ejected) that nobody planned: not caused
    /// by an operator's command (`byOperator`, which the engine knows: the reason's words are
    /// for people), not into or out of an operator state, not a first verdict on an endpoint
    /// that was `unknown` (new, or restarted by the operator).
    public func isFlap(byOperator: Bool) -> Bool {
        !byOperator && !from.isAdministrative && !to.isAdministrative && from != .unknown
    }
}
