import Foundation
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
        let registration = endpoint.registration
        self.id = id
        self.service = service
        tags = endpoint.tags
        // An instance registered without an Address shows none; clients take the node's.
        self.address = registration?.usesNodeAddress == true ? "" : address?.host ?? ""
        port = address?.port ?? 0
        var meta = endpoint.metadata
        if !endpoint.zone.isEmpty { meta["zone"] = endpoint.zone }
        self.meta = meta
        var tagged = (registration?.taggedAddresses ?? [:]).mapValues { TaggedAddress(address: $0.address, port: $0.port) }
        // The ones Consul adds for an IP address the registration did not tag itself (`agent.go`,
        // `addServiceInternal`).
        if case let family = Self.ipFamily(self.address), family > 0 {
            for name in ["lan_ipv\(family)", "wan_ipv\(family)"] where tagged[name] == nil {
                tagged[name] = TaggedAddress(address: self.address, port: port)
            }
        }
        taggedAddresses = tagged
        if let registration, registration.warningWeight == nil, endpoint.weight == Endpoint.defaultWeight {
            weights = Weights(passing: 1, warning: 1)
        } else {
            weights = Weights(passing: endpoint.weight, warning: registration?.warningWeight ?? endpoint.weight)
        }
        enableTagOverride = registration?.enableTagOverride ?? false
        self.datacenter = datacenter
    }

    /// 4 or 6 for an IP address (as Go's `net.ParseIP` reads it), else 0.
    static func ipFamily(_ text: String) -> Int {
        var v4 = in_addr(), v6 = in6_addr()
        if inet_pton(AF_INET, text, &v4) == 1 { return 4 }
        if inet_pton(AF_INET6, text, &v6) == 1 { return 6 }
        return 0
    }
}
