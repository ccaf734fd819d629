/// `registry`: an endpoint joined or left a service.
public struct RegistryChange: Codable, Sendable, Equatable {
    public enum Action: String, Codable, Sendable, CaseIterable, RecordedName { case registered, deregistered }

    public var action: Action
    public var service: String
    public var endpoint: Endpoint
    /// Why, when it was not asked for: a check critical for too long, an ID registered again
    /// under another service.
    public var reason: String?

    public init(action: Action, service: String, endpoint: Endpoint, reason: String? = nil) {
        self.action = action; self.service = service; self.endpoint = endpoint; self.reason = reason
    }
}
