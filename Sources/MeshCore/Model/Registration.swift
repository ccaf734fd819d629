/// What a Consul registration adds to an endpoint: its checks, its weight while warning and
/// `EnableTagOverride`. Endpoints from mesh.yaml or a scenario have none: a registration can
/// neither replace nor remove them.
public struct Registration: Codable, Sendable, Equatable {
    /// One of Consul's `TaggedAddresses` (`structs.ServiceAddress`): another address the
    /// instance is reached at, named by the client (`lan`, `wan`, `lan_ipv4`, `virtual`, …).
    public struct TaggedAddress: Codable, Sendable, Equatable {
        public var address: String
        public var port: Int
        public init(address: String, port: Int) { self.address = address; self.port = port }
    }

    /// Empty: the service's own `health:` checks judge the instance, as for mesh.yaml's endpoints.
    public var checks: [ServiceCheck]
    /// `Weights.Warning`: the endpoint's weight while its worst check is warning; nil when the
    /// registration gave no `Weights`, so that warning weighs as passing (Consul's default 1:1).
    public var warningWeight: Int?
    public var enableTagOverride: Bool
    /// The registration gave no `Address`: Consul keeps it empty and its clients use the node's
    /// `Address` instead (`api.CatalogService.ServiceAddress`), which is where mesh-top routes.
    public var usesNodeAddress: Bool
    /// `TaggedAddresses` as registered; Consul's defaults for an IP address are added when shown.
    public var taggedAddresses: [String: TaggedAddress]

    public init(checks: [ServiceCheck] = [], warningWeight: Int? = nil, enableTagOverride: Bool = false,
                usesNodeAddress: Bool = false, taggedAddresses: [String: TaggedAddress] = [:]) {
        self.checks = checks; self.warningWeight = warningWeight; self.enableTagOverride = enableTagOverride
        self.usesNodeAddress = usesNodeAddress; self.taggedAddresses = taggedAddresses
    }

    private enum CodingKeys: String, CodingKey {
        case checks, warningWeight, enableTagOverride, usesNodeAddress, taggedAddresses
    }

    /// Recordings made before `usesNodeAddress` and `taggedAddresses` read as having neither.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        checks = try c.decode([ServiceCheck].self, forKey: .checks)
        warningWeight = try c.decodeIfPresent(Int.self, forKey: .warningWeight, in: Endpoint.weightRange)
        enableTagOverride = try c.decode(Bool.self, forKey: .enableTagOverride)
        usesNodeAddress = try c.decodeIfPresent(Bool.self, forKey: .usesNodeAddress) ?? false
        taggedAddresses = try c.decodeIfPresent([String: TaggedAddress].self, forKey: .taggedAddresses) ?? [:]
        for (name, tagged) in taggedAddresses where !(0...65535).contains(tagged.port) {
            throw DecodingError.dataCorruptedError(forKey: .taggedAddresses, in: c,
                                                   debugDescription: "\(name): port \(tagged.port) is not 0...65535")
        }
    }

    /// Written only when set, so that a registration without them is recorded as before.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(checks, forKey: .checks)
        try c.encodeIfPresent(warningWeight, forKey: .warningWeight)
        try c.encode(enableTagOverride, forKey: .enableTagOverride)
        if usesNodeAddress { try c.encode(true, forKey: .usesNodeAddress) }
        if !taggedAddresses.isEmpty { try c.encode(taggedAddresses, forKey: .taggedAddresses) }
    }

    /// The worst of its checks (passing with none), as Consul's `AggregatedStatus` without maintenance.
    public var status: CheckStatus { checks.lazy.map(\.status).max() ?? .passing }

    public func check(_ id: String) -> ServiceCheck? { checks.first { $0.id == id } }
}
