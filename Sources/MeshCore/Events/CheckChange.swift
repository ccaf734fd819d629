/// `check`: a Consul check of a registered endpoint changed status (or, now and then, only what
/// it says: `from == to`), and what it said.
public struct CheckChange: Codable, Sendable, Equatable {
    public var endpoint: EndpointRef
    /// The check's `CheckID`.
    public var check: String
    public var from: CheckStatus
    public var to: CheckStatus
    public var output: String

    public init(endpoint: EndpointRef, check: String, from: CheckStatus, to: CheckStatus, output: String) {
        self.endpoint = endpoint; self.check = check; self.from = from; self.to = to; self.output = output
    }
}
