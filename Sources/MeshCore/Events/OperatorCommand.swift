/// `operator`: who asked for what. The state change it causes is its own `endpoint.state` event.
public struct OperatorCommand: Codable, Sendable, Equatable {
    public var action: OperatorAction
    public var target: EndpointRef
    /// `keyboard`, `api`, `scenario`, `consul`, ...
    public var by: String
    /// The new weight, for `weight`.
    public var weight: Int?
    /// Why, when the operator said (a Consul maintenance reason, for `drain`).
    public var reason: String?
    /// Where: the instance of a shared mesh it was given to (`--instance`); nil outside one.
    public var instance: String?

    /// `by` for the dashboard's keys: its own refusals need no name in the footer.
    public static let keyboard = "keyboard"

    public init(action: OperatorAction, target: EndpointRef, by: String, weight: Int? = nil, reason: String? = nil,
                instance: String? = nil) {
        self.action = action; self.target = target; self.by = by; self.weight = weight; self.reason = reason
        self.instance = instance
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        action = try c.decode(OperatorAction.self, forKey: .action)
        target = try c.decode(EndpointRef.self, forKey: .target)
        by = try c.decode(String.self, forKey: .by)
        weight = try c.decodeIfPresent(Int.self, forKey: .weight, in: Endpoint.weightRange)
        reason = try c.decodeIfPresent(String.self, forKey: .reason)
    }
}
