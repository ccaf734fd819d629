/// `registry`: an endpoint joined or left a service.
public struct RegistryChange: Codable, Sendable, Equatable {
    public enum Action: String, Codable, Sendable { case registered, deregistered }

    public var action: Action
    public var service: String
    public var endpoint: Endpoint

    public init(action: Action, service: String, endpoint: Endpoint) {
        self.action = action; self.service = service; self.endpoint = endpoint
    }
}
