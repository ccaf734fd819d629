/// `GET /v1/agent/self` (`agent/agent_endpoint.go`, `AgentSelf`): who the agent is. Clients read
/// `Config.Datacenter`, `Config.NodeName` and `Member.Addr` from it. `Version` is the Consul API
/// level mesh-top follows; `Revision` says it is mesh-top.
struct AgentSelf: Encodable, Sendable {
    static let consulVersion = "1.20.0"

    struct Config: Encodable, Sendable {
        var datacenter: String
        var primaryDatacenter: String
        var nodeName: String
        var nodeID: String
        var revision = "mesh-top"
        var server = true
        var version = AgentSelf.consulVersion
        enum CodingKeys: String, CodingKey {
            case datacenter = "Datacenter", primaryDatacenter = "PrimaryDatacenter", nodeName = "NodeName", nodeID = "NodeID"
            case revision = "Revision", server = "Server", version = "Version"
        }
    }

    struct Member: Encodable, Sendable {
        var name: String
        var addr: String
        var port = 8301
        var tags: [String: String]
        /// Serf's "alive".
        var status = 1
        enum CodingKeys: String, CodingKey { case name = "Name", addr = "Addr", port = "Port", tags = "Tags", status = "Status" }
    }

    var config: Config
    var debugConfig: [String: String] = [:]
    var member: Member
    var stats: [String: [String: String]] = [:]
    var meta: [String: String] = [:]

    enum CodingKeys: String, CodingKey {
        case config = "Config", debugConfig = "DebugConfig", member = "Member", stats = "Stats", meta = "Meta"
    }

    init(node: ConsulNode) {
        config = Config(datacenter: ConsulNode.datacenter, primaryDatacenter: ConsulNode.datacenter, nodeName: node.name, nodeID: node.id)
        member = Member(name: node.name, addr: node.address,
                        tags: ["dc": ConsulNode.datacenter, "role": "consul", "id": node.id, "build": Self.consulVersion])
    }
}
