import MeshCore

/// One entry of `GET /v1/health/service/NAME`: the node, the instance and its check, with the
/// endpoint's state as the check's status.
struct HealthEntry: Encodable, Sendable {
    struct Node: Encodable, Sendable {
        var id = ""
        var node = ConsulAPI.node
        var address = "127.0.0.1"
        var datacenter = ConsulAPI.datacenter
        var taggedAddresses: [String: String] = [:]
        var meta: [String: String] = [:]
        enum CodingKeys: String, CodingKey {
            case id = "ID", node = "Node", address = "Address", datacenter = "Datacenter"
            case taggedAddresses = "TaggedAddresses", meta = "Meta"
        }
    }

    struct Check: Encodable, Sendable {
        var node = ConsulAPI.node
        var checkID: String
        var name: String
        var status: String
        var notes = ""
        var output: String
        var serviceID: String
        var serviceName: String
        var serviceTags: [String]
        enum CodingKeys: String, CodingKey {
            case node = "Node", checkID = "CheckID", name = "Name", status = "Status", notes = "Notes", output = "Output"
            case serviceID = "ServiceID", serviceName = "ServiceName", serviceTags = "ServiceTags"
        }
    }

    var node = Node()
    var service: ServiceEntry
    var checks: [Check]

    enum CodingKeys: String, CodingKey { case node = "Node", service = "Service", checks = "Checks" }

    init(service: MeshCore.Service, endpoint: Endpoint, status: String) {
        self.service = ServiceEntry(service, endpoint)
        checks = [Check(checkID: "service:\(endpoint.id)", name: "Service '\(service.name)' check", status: status,
                        output: "mesh-top: \(endpoint.state.rawValue)", serviceID: endpoint.id,
                        serviceName: service.name, serviceTags: endpoint.tags)]
    }

    /// healthy is passing; not yet checked or draining is warning (not for new traffic, still
    /// there); everything else is critical.
    static func status(of state: EndpointState) -> String {
        switch state {
        case .healthy: "passing"
        case .unknown, .draining: "warning"
        default: "critical"
        }
    }
}
