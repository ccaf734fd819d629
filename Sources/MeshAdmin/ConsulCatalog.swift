import MeshCore

/// The mesh as Consul's agent and catalog show it, read from one snapshot so that an answer is
/// consistent: mesh-top is the one node, each endpoint an instance under its Consul ID, with
/// its checks in Consul's names:
/// - a registration's own checks, as registered (`service:ID`, `service:ID:N`, or its CheckIDs);
/// - for an endpoint without them, mesh-top's verdict as one check `service:ID` (passing when
///   healthy; critical while not checked yet, unhealthy or ejected) of the `Type` of the
///   service's `health:` (`http`, `tcp`): a check the agent runs, which takes no TTL reports;
///   none where `health:` is `none` (an instance without checks is passing, as in Consul);
/// - while drained, draining or killed, Consul's maintenance check `_service_maintenance:ID`,
///   critical, its notes the reason given (`agent/agent.go`, `EnableServiceMaintenance`);
/// - the node's own: during node maintenance, Consul's `_node_maintenance`, critical, its notes
///   the reason (`EnableNodeMaintenance`), listed with every instance's checks (a node check
///   is every instance's) instead of the maintenance checks of the endpoints it drained.
struct ConsulCatalog {
    struct Instance {
        var id: String
        var service: String
        var endpoint: Endpoint
        var checks: [CheckEntry]

        /// Consul's `AggregatedStatus` (`api/health.go`) of its checks and the node's:
        /// maintenance, critical, warning, passing.
        var aggregatedStatus: String {
            if checks.contains(where: { $0.checkID.hasPrefix(ConsulCatalog.maintenancePrefix) || $0.checkID == ConsulCatalog.nodeMaintenance }) {
                return "maintenance"
            }
            let worst = checks.compactMap { CheckStatus(rawValue: $0.status) }.max() ?? .passing
            return worst.rawValue
        }

        /// Its own checks, without the node's.
        var serviceChecks: [CheckEntry] { checks.filter { !$0.serviceID.isEmpty } }

        /// Carries every tag asked for, compared as Consul compares them, ignoring case.
        func hasTags(_ tags: [String]) -> Bool {
            let own = Set(endpoint.tags.map { $0.lowercased() })
            return tags.allSatisfy { own.contains($0.lowercased()) }
        }
    }

    static let maintenancePrefix = "_service_maintenance:"
    /// Consul's `structs.NodeMaint`.
    static let nodeMaintenance = "_node_maintenance"
    /// Consul's words when node maintenance is enabled without a reason.
    static let defaultNodeMaintenanceReason = "Maintenance mode is enabled for this node, but no reason was provided. This is a default message."
    /// Consul's words when maintenance is enabled without a reason.
    static let defaultMaintenanceReason = "Maintenance mode is enabled for this service, but no reason was provided. This is a default message."

    let node: ConsulNode
    private let state: MeshState
    /// Endpoint ids several services use: their Consul IDs are `SERVICE:ID`.
    private let shared: Set<String>

    /// Instances are made when asked for: a read about one service costs that service.
    init(_ state: MeshState, node: ConsulNode) {
        self.node = node
        self.state = state
        shared = state.sharedEndpointIDs()
    }

    var instances: [Instance] { state.services.flatMap(instances(in:)) }

    /// Every check of the agent: the node's, then its instances' in mesh order.
    var checks: [CheckEntry] { nodeChecks + instances.flatMap(\.serviceChecks) }

    /// The node's own checks: `_node_maintenance` while it is in maintenance.
    var nodeChecks: [CheckEntry] {
        guard let reason = state.nodeMaintenance?.maintenance else { return [] }
        return [CheckEntry(node: node.name, checkID: Self.nodeMaintenance, name: "Node Maintenance Mode", status: "critical",
                           notes: reason, output: "", serviceID: "", serviceName: "", serviceTags: [])]
    }

    func instances(of service: String) -> [Instance] { state.service(service).map(instances(in:)) ?? [] }

    func instance(_ id: String) -> Instance? {
        for service in state.services {
            for endpoint in service.endpoints where MeshState.consulID(endpoint.id, in: service.name, shared: shared) == id {
                return instance(endpoint, in: service)
            }
        }
        return nil
    }

    private func instances(in service: MeshCore.Service) -> [Instance] { service.endpoints.map { instance($0, in: service) } }

    private func instance(_ endpoint: Endpoint, in service: MeshCore.Service) -> Instance {
        let id = MeshState.consulID(endpoint.id, in: service.name, shared: shared)
        let ref = EndpointRef(service: service.name, endpoint: endpoint.id)
        let byNode = state.nodeMaintenance?.drained.contains(ref) == true
        return Instance(id: id, service: service.name, endpoint: endpoint,
                        checks: nodeChecks + Self.checks(of: endpoint, id: id, in: service, node: node.name, byNode: byNode))
    }

    func agentService(_ instance: Instance) -> ServiceEntry {
        ServiceEntry(id: instance.id, service: instance.service, endpoint: instance.endpoint, datacenter: ConsulNode.datacenter)
    }

    /// The instance with its checks alone: mesh-top's node is its own agent and always alive,
    /// so it has no node checks (a Consul node's `serfHealth`) to list beside them.
    func healthEntry(_ instance: Instance) -> HealthEntry {
        HealthEntry(node: node.entry, service: ServiceEntry(id: instance.id, service: instance.service, endpoint: instance.endpoint),
                    checks: instance.checks)
    }

    /// `GET /v1/catalog/services[?filter=]`: each service that has instances (that pass the
    /// filter, read as catalog entries, as Consul filters `ServiceNode`s), with their tags.
    func services(_ filter: ConsulFilter?) -> [String: [String]] {
        var out: [String: [String]] = [:]
        let listed = instances
        let kept = ConsulAPI.apply(filter, to: listed.map { CatalogEntry(node: node.entry, service: ServiceEntry(id: $0.id, service: $0.service, endpoint: $0.endpoint)) })
        let passed = Set(kept.map(\.serviceID))
        for instance in listed where passed.contains(instance.id) {
            var tags = out[instance.service] ?? []
            for tag in instance.endpoint.tags where !tags.contains(tag) { tags.append(tag) }
            out[instance.service] = tags
        }
        return out
    }

    /// `byNode`: drained by node maintenance, whose check stands for it.
    private static func checks(of endpoint: Endpoint, id: String, in owner: MeshCore.Service, node: String, byNode: Bool) -> [CheckEntry] {
        let service = owner.name
        var out: [CheckEntry] = []
        let tags = endpoint.tags
        if endpoint.state.isAdministrative && !byNode {
            out.append(CheckEntry(node: node, checkID: maintenancePrefix + id, name: "Service Maintenance Mode", status: "critical",
                                  notes: endpoint.maintenance ?? "\(endpoint.state.rawValue) by a mesh-top operator", output: "",
                                  serviceID: id, serviceName: service, serviceTags: []))
        }
        if let checks = endpoint.registration?.checks, !checks.isEmpty {
            out += checks.map { CheckEntry($0, node: node, id: id, service: service, tags: tags) }
        } else if !endpoint.state.isAdministrative && owner.healthCheck != HealthPolicy.Kind.none {
            let output: String = switch endpoint.state {
            case .unknown: "mesh-top: not checked yet"
            case .ejected: "mesh-top: ejected by outlier detection"
            default: "mesh-top: \(endpoint.state.rawValue)"
            }
            var check = CheckEntry(node: node, checkID: "service:\(id)", name: "Service '\(service)' check",
                                   status: endpoint.state == .healthy ? "passing" : "critical", output: output,
                                   serviceID: id, serviceName: service, serviceTags: tags)
            // In Consul's model, a check the agent runs itself (`health:` is HTTP or TCP): no TTL.
            check.type = owner.healthCheck?.rawValue ?? ""
            out.append(check)
        }
        return out
    }
}
