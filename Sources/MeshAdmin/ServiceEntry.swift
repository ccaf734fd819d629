import MeshConfig
import MeshCore

/// One service instance as Consul's agent and health endpoints show it.
struct ServiceEntry: Encodable, Sendable {
    struct Weights: Encodable, Sendable {
        var passing: Int
        var warning: Int
        enum CodingKeys: String, CodingKey { case passing = "Passing", warning = "Warning" }
    }

    var id: String
    var service: String
    var tags: [String]
    var address: String
    var port: Int
    var meta: [String: String]
    var weights: Weights
    var enableTagOverride = false
    var datacenter: String?

    enum CodingKeys: String, CodingKey {
        case id = "ID", service = "Service", tags = "Tags", address = "Address", port = "Port", meta = "Meta"
        case weights = "Weights", enableTagOverride = "EnableTagOverride", datacenter = "Datacenter"
    }

    init(_ service: MeshCore.Service, _ endpoint: Endpoint, datacenter: String? = nil) {
        let address = endpoint.address.flatMap(HostPort.init)
        id = endpoint.id
        self.service = service.name
        tags = endpoint.tags
        self.address = address?.host ?? ""
        port = address?.port ?? 0
        var meta = endpoint.metadata
        if !endpoint.zone.isEmpty { meta["zone"] = endpoint.zone }
        self.meta = meta
        weights = Weights(passing: endpoint.weight, warning: 1)
        self.datacenter = datacenter
    }
}
