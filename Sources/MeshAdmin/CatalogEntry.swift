/// One entry of `GET /v1/catalog/service/NAME` (`api.CatalogService`): the node and the
/// instance, flattened, whatever its health.
struct CatalogEntry: Encodable, Sendable {
    var id: String
    var node: String
    var address: String
    var datacenter: String
    var taggedAddresses: [String: String]
    var nodeMeta: [String: String]
    var serviceID: String
    var serviceName: String
    var serviceTags: [String]
    var serviceAddress: String
    var servicePort: Int
    var serviceMeta: [String: String]
    var serviceTaggedAddresses: [String: ServiceEntry.TaggedAddress]
    var serviceWeights: ServiceEntry.Weights
    var serviceEnableTagOverride: Bool

    enum CodingKeys: String, CodingKey {
        case id = "ID", node = "Node", address = "Address", datacenter = "Datacenter"
        case taggedAddresses = "TaggedAddresses", nodeMeta = "NodeMeta", serviceID = "ServiceID"
        case serviceName = "ServiceName", serviceTags = "ServiceTags", serviceAddress = "ServiceAddress"
        case servicePort = "ServicePort", serviceMeta = "ServiceMeta", serviceTaggedAddresses = "ServiceTaggedAddresses"
        case serviceWeights = "ServiceWeights", serviceEnableTagOverride = "ServiceEnableTagOverride"
    }

    init(node: ConsulNode.Entry, service s: ServiceEntry) {
        id = node.id; self.node = node.node; address = node.address; datacenter = node.datacenter
        taggedAddresses = node.taggedAddresses; nodeMeta = node.meta
        serviceID = s.id; serviceName = s.service; serviceTags = s.tags; serviceAddress = s.address
        servicePort = s.port; serviceMeta = s.meta; serviceTaggedAddresses = s.taggedAddresses
        serviceWeights = s.weights; serviceEnableTagOverride = s.enableTagOverride
    }
}
