/// `GET /v1/catalog/node/NODE` (`structs.NodeServices`): the node and every instance
/// registered on it, by ID; Consul answers `null` for a node it does not know.
struct CatalogNode: Encodable, Sendable {
    var node: ConsulNode.Entry
    var services: [String: ServiceEntry]

    enum CodingKeys: String, CodingKey { case node = "Node", services = "Services" }
}
