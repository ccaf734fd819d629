/// mesh-top as Consul shows its one node: the agent every instance is registered with, and the
/// leader of its one-member cluster.
struct ConsulNode: Sendable {
    static let datacenter = "dc1"

    var name = "mesh-top"
    /// A Consul node ID is a UUID; one per run.
    var id: String
    /// Where its clients reach the node, and so an instance registered without an `Address`.
    static let address = "127.0.0.1"
    var address = ConsulNode.address
    /// The address Consul's status routes give for the leader and its peers.
    var serverAddress: String

    /// `Node` of `/v1/health/service/NAME` and an entry of `/v1/catalog/nodes` (`api.Node`).
    struct Entry: Encodable, Sendable {
        var id: String
        var node: String
        var address: String
        var datacenter = ConsulNode.datacenter
        var taggedAddresses: [String: String]
        var meta: [String: String] = [:]
        enum CodingKeys: String, CodingKey {
            case id = "ID", node = "Node", address = "Address", datacenter = "Datacenter"
            case taggedAddresses = "TaggedAddresses", meta = "Meta"
        }
    }

    var entry: Entry {
        Entry(id: id, node: name, address: address,
              taggedAddresses: ["lan": address, "lan_ipv4": address, "wan": address, "wan_ipv4": address])
    }

}
