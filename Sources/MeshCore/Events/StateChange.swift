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
