/// One entry of `GET /v1/health/service/NAME` (`api.ServiceEntry`): the node, the instance, and
/// the instance's checks.
struct HealthEntry: Encodable, Sendable {
    var node: ConsulNode.Entry
    var service: ServiceEntry
    var checks: [CheckEntry]

    enum CodingKeys: String, CodingKey { case node = "Node", service = "Service", checks = "Checks" }
}
