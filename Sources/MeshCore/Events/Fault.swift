/// `fault`: a scenario's timeline did something to the simulated world (crash, latency, partition...).
public struct Fault: Codable, Sendable, Equatable {
    public var action: String
    /// `SERVICE/ENDPOINT`, `zone:NAME` or `SERVICE`.
    public var target: String
    public var detail: String

    public init(action: String, target: String, detail: String = "") {
        self.action = action; self.target = target; self.detail = detail
    }
}
