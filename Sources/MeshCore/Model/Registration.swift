/// What a Consul registration adds to an endpoint: its checks, its weight while warning and
/// `EnableTagOverride`. Endpoints from mesh.yaml or a scenario have none: a registration can
/// neither replace nor remove them.
public struct Registration: Codable, Sendable, Equatable {
    /// Empty: the service's own `health:` checks judge the instance, as for mesh.yaml's endpoints.
    public var checks: [ServiceCheck]
    /// `Weights.Warning`: the endpoint's weight while its worst check is warning; nil when the
    /// registration gave no `Weights`, so that warning weighs as passing (Consul's default 1:1).
    public var warningWeight: Int?
    public var enableTagOverride: Bool

    public init(checks: [ServiceCheck] = [], warningWeight: Int? = nil, enableTagOverride: Bool = false) {
        self.checks = checks; self.warningWeight = warningWeight; self.enableTagOverride = enableTagOverride
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        checks = try c.decode([ServiceCheck].self, forKey: .checks)
        warningWeight = try c.decodeIfPresent(Int.self, forKey: .warningWeight, in: Endpoint.weightRange)
        enableTagOverride = try c.decode(Bool.self, forKey: .enableTagOverride)
    }

    /// The worst of its checks (passing with none), as Consul's `AggregatedStatus` without maintenance.
    public var status: CheckStatus { checks.lazy.map(\.status).max() ?? .passing }

    public func check(_ id: String) -> ServiceCheck? { checks.first { $0.id == id } }
}
