/// `node`: Consul's node maintenance (`PUT /v1/agent/maintenance`) of mesh-top's one node began,
/// with its reason, or ended (`maintenance` nil). While it lasts every instance of the node is
/// out (Consul's critical `_node_maintenance` check, `agent/agent.go`
/// `EnableNodeMaintenance`): mesh-top drains the endpoints that had no hold, listed in
/// `drained`, and restores those when it ends; an endpoint registered meanwhile joins the list.
public struct NodeChange: Codable, Sendable, Equatable {
    public var maintenance: String?
    public var drained: [EndpointRef]

    public init(maintenance: String?, drained: [EndpointRef] = []) {
        self.maintenance = maintenance; self.drained = drained
    }
}
