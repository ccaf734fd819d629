/// `view`: how another instance of a shared mesh now sees an endpoint (its own health checks'
/// verdict), or that it no longer does (`state` nil). Health stays local; these let each
/// dashboard show where the instances disagree.
public struct ViewChange: Codable, Sendable, Equatable {
    public var instance: String
    public var endpoint: EndpointRef
    public var state: EndpointState?

    public init(instance: String, endpoint: EndpointRef, state: EndpointState?) {
        self.instance = instance; self.endpoint = endpoint; self.state = state
    }
}
