import MeshConfig
import MeshCore

/// One service instance as Consul's agent and health routes show it (`api.AgentService`).
struct ServiceEntry: Encodable, Sendable {
    struct Weights: Encodable, Sendable {
        var passing: Int
        var warning: Int
        enum CodingKeys: String, CodingKey { case passing = "Passing", warning = "Warning" }
    }

    struct TaggedAddress: Encodable, Sendable {
        var address: String
        var port: Int
        enum CodingKeys: String, CodingKey { case address = "Address", port = "Port" }
    }

    var id: String
    var service: String
    var tags: [String]
    var address: String
    var port: Int
    var meta: [String: String]
    var taggedAddresses: [String: TaggedAddress]
    var weights: Weights
    var enableTagOverride: Bool
    /// The agent routes name it; the health routes do not.
    var datacenter: String?
    /// `/v1/agent/service/ID` only: what `?hash=` blocks on.
    var contentHash: String?

    enum CodingKeys: String, CodingKey {
        case id = "ID", service = "Service", tags = "Tags", address = "Address", port = "Port", meta = "Meta"
        case taggedAddresses = "TaggedAddresses", weights = "Weights", enableTagOverride = "EnableTagOverride"
        case datacenter = "Datacenter", contentHash = "ContentHash"
    }

    /// `Weights` are the endpoint's: `Passing` is its weight now, `Warning` the registration's
    /// (as `Passing` when it gave none); a registration that gave no `Weights`, at mesh-top's
    /// default weight still, shows Consul's default `{Passing: 1, Warning: 1}` (`agent/agent.go`,
    /// `addServiceInternal`): the same share. `Meta.zone` carries the zone.
    init(id: String, service: String, endpoint: Endpoint, datacenter: String? = nil) {
        let address = endpoint.address.flatMap { HostPort($0) }
        self.id = id
        self.service = service
        tags = endpoint.tags
        self.address = address?.host ?? ""
        port = address?.port ?? 0
        var meta = endpoint.metadata
        if !endpoint.zone.isEmpty { meta["zone"] = endpoint.zone }
        self.meta = meta
        // As Consul adds them for an IP address (`agent.go`, `addServiceInternal`).
        var tagged: [String: TaggedAddress] = [:]
        if let address, address.host.allSatisfy({ $0.isHexDigit || $0 == "." || $0 == ":" }) {
            let family = address.host.contains(":") ? "ipv6" : "ipv4"
            tagged["lan_\(family)"] = TaggedAddress(address: address.host, port: address.port)
            tagged["wan_\(family)"] = TaggedAddress(address: address.host, port: address.port)
        }
        taggedAddresses = tagged
        if let registration = endpoint.registration, registration.warningWeight == nil, endpoint.weight == Endpoint.defaultWeight {
            weights = Weights(passing: 1, warning: 1)
        } else {
            weights = Weights(passing: endpoint.weight, warning: endpoint.registration?.warningWeight ?? endpoint.weight)
        }
        enableTagOverride = endpoint.registration?.enableTagOverride ?? false
        self.datacenter = datacenter
    }
}
