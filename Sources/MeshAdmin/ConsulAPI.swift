import Foundation
import MeshCore
import NIOCore
import NIOHTTP1

/// Consul's agent, catalog, health and status routes (the README's table of Consul routes), with Consul's JSON
/// shapes, check model and blocking queries, so that Consul client libraries register with
/// mesh-top and discover through it unchanged. mesh-top is the one node of datacenter `dc1`
/// and the leader of its one-member cluster. Writes go through the session like an operator's
/// command and are answered once applied and published: a read after the answer sees them.
///
/// Served (`GET` unless said):
/// - `PUT /v1/agent/service/register[?replace-existing-checks]`
/// - `PUT /v1/agent/service/deregister/ID`, `PUT /v1/agent/service/maintenance/ID?enable=&reason=`,
///   `PUT /v1/agent/maintenance?enable=&reason=` (node maintenance)
/// - `PUT /v1/agent/check/pass|warn|fail/CHECK[?note=]`, `PUT /v1/agent/check/update/CHECK`,
///   `PUT /v1/agent/check/register` (a check of a registered instance), `PUT /v1/agent/check/deregister/CHECK`
/// - `/v1/agent/services`, `/v1/agent/service/ID[?hash=&wait=]`, `/v1/agent/checks`, `/v1/agent/self`,
///   `/v1/agent/members`,
///   `/v1/agent/health/service/name/NAME`, `/v1/agent/health/service/id/ID` (`?format=text`)
/// - blocking (`?index=&wait=`): `/v1/catalog/services`, `/v1/catalog/service/NAME[?tag=]`,
///   `/v1/catalog/nodes`, `/v1/catalog/node/NODE`, `/v1/health/service/NAME[?passing&tag=]`, `/v1/health/checks/NAME`,
///   `/v1/health/state/STATE`, `/v1/health/node/NODE`
/// - `/v1/catalog/datacenters`, `/v1/status/leader`, `/v1/status/peers`
///
/// Out of scope, answered 404 saying so: the KV store, ACLs beyond the token, sessions, prepared
/// queries, Connect, events, transactions; and, saying what to use instead, catalog writes.
struct ConsulAPI: Sendable {
    let session: any SessionHandle
    let journal: EventJournal
    let node: ConsulNode
    let index = ConsulIndex()

    /// First path segments (after `v1`) that belong to Consul's API, served or not.
    private static let served: Set = ["agent", "catalog", "health", "status"]
    private static let outOfScope: [String: String] = [
        "kv": "the KV store", "acl": "ACLs (mesh-top takes its one token)", "session": "sessions",
        "query": "prepared queries", "connect": "Connect", "event": "events", "txn": "transactions",
        "coordinate": "network coordinates", "operator": "the operator API", "snapshot": "snapshots",
        "config": "config entries", "discovery-chain": "Connect", "internal": "Consul's internal API",
        "peering": "cluster peering", "namespace": "namespaces", "partition": "admin partitions",
    ]

    /// The answer to a Consul route, or nil when `request` is not one.
    func respond(to request: AdminRequest, on loop: any EventLoop) -> EventLoopFuture<AdminResponse>? {
        let p = request.path
        guard p.count >= 2, p[0] == "v1" else { return nil }
        if let what = Self.outOfScope[p[1]] {
            return loop.makeSucceededFuture(.error(.notFound, "/v1/\(p[1]): \(what) is out of mesh-top's scope (it serves Consul's service registry and health API)"))
        }
        guard Self.served.contains(p[1]) else { return nil }
        let rest = Array(p.dropFirst(2))
        let answer: EventLoopFuture<AdminResponse>? = switch p[1] {
        case "agent": agentRoute(rest, request, loop)
        case "catalog": catalogRoute(rest, request, loop)
        case "health": healthRoute(rest, request, loop)
        default: statusRoute(rest, request, loop)
        }
        if let answer { return answer }
        let route = p.prefix(4).joined(separator: "/")
        let advice = Self.notServed.first { route.hasPrefix($0.key) }.map { ": \($0.value)" } ?? ""
        return loop.makeSucceededFuture(.error(.notFound, "no Consul route \(request.method.rawValue) /\(p.joined(separator: "/")) in mesh-top\(advice)"))
    }

    /// Consul routes of the registry mesh-top does not serve, and what to use instead.
    private static let notServed: [String: String] = [
        "v1/catalog/register": "mesh-top is the one node and its own agent; register with PUT /v1/agent/service/register",
        "v1/catalog/deregister": "mesh-top is the one node and its own agent; deregister with PUT /v1/agent/service/deregister/ID",
    ]

    private func agentRoute(_ r: [String], _ request: AdminRequest, _ loop: any EventLoop) -> EventLoopFuture<AdminResponse>? {
        switch r.count {
        case 1 where r[0] == "services":
            return filtering(.agentService, request, loop) { filter in read(request, loop) { .json(Self.apply(filter, to: agentServices($0))) } }
        case 1 where r[0] == "checks":
            return filtering(.check, request, loop) { filter in read(request, loop) { .json(Self.apply(filter, to: agentChecks($0))) } }
        case 1 where r[0] == "self": return read(request, loop) { _ in .json(AgentSelf(node: node)) }
        case 1 where r[0] == "members": return read(request, loop) { _ in .json([AgentSelf(node: node).member]) }
        case 1 where r[0] == "maintenance": return nodeMaintenance(request, loop)
        case 2 where r[0] == "service" && r[1] == "register": return register(request, loop)
        case 2 where r[0] == "service": return agentService(id: r[1], request, loop)
        case 3 where r[0] == "service" && r[1] == "deregister":
            return write(request, loop, allowGET: true) { () throws(ConsulRegistration.Refusal) in .deregister(id: r[2]) }
        case 3 where r[0] == "service" && r[1] == "maintenance": return maintenance(id: r[2], request, loop)
        case 3 where r[0] == "check" && ["pass", "warn", "fail"].contains(r[1]): return report(r[1], check: r[2], request, loop)
        case 3 where r[0] == "check" && r[1] == "update": return update(check: r[2], request, loop)
        case 3 where r[0] == "check" && r[1] == "deregister": return deregisterCheck(r[2], request, loop)
        case 2 where r[0] == "check" && r[1] == "register": return registerCheck(request, loop)
        case 4 where r[0] == "health" && r[1] == "service" && (r[2] == "name" || r[2] == "id"):
            return read(request, loop) { agentHealth(r[2] == "name" ? .name(r[3]) : .id(r[3]), request, $0) }
        default: return nil
        }
    }

    private func catalogRoute(_ r: [String], _ request: AdminRequest, _ loop: any EventLoop) -> EventLoopFuture<AdminResponse>? {
        switch r.count {
        case 1 where r[0] == "services":
            return filtering(.catalogEntry, request, loop) { filter in blocking(request, loop) { $0.services(filter) } }
        case 1 where r[0] == "nodes":
            return filtering(.node, request, loop) { filter in
                blocking(request, loop) { _ in nodeFiltered(request) ? [] : Self.apply(filter, to: [node.entry]) }
            }
        case 1 where r[0] == "datacenters": return read(request, loop) { _ in .json([ConsulNode.datacenter]) }
        case 2 where r[0] == "service":
            return filtering(.catalogEntry, request, loop) { filter in
                blocking(request, loop, scope: r[1]) { Self.apply(filter, to: catalogService(r[1], request, $0)) }
            }
        case 2 where r[0] == "node":
            return blocking(request, loop) { catalog in
                r[1] == node.name ? CatalogNode(node: node.entry, services: Dictionary(
                    catalog.instances.map { ($0.id, ServiceEntry(id: $0.id, service: $0.service, endpoint: $0.endpoint)) },
                    uniquingKeysWith: { a, _ in a })) : nil
            }
        default: return nil
        }
    }

    private func healthRoute(_ r: [String], _ request: AdminRequest, _ loop: any EventLoop) -> EventLoopFuture<AdminResponse>? {
        guard r.count == 2 else { return nil }
        switch r[0] {
        case "service": return filtering(.healthEntry, request, loop) { healthService(r[1], $0, request, loop) }
        case "checks":
            return filtering(.check, request, loop) { filter in
                blocking(request, loop, scope: r[1]) { Self.apply(filter, to: $0.instances(of: r[1]).flatMap(\.serviceChecks)) }
            }
        case "state": return filtering(.check, request, loop) { healthState(r[1], $0, request, loop) }
        case "node":
            return filtering(.check, request, loop) { filter in
                blocking(request, loop) { r[1] == node.name ? Self.apply(filter, to: $0.checks) : [] }
            }
        default: return nil
        }
    }

    private func statusRoute(_ r: [String], _ request: AdminRequest, _ loop: any EventLoop) -> EventLoopFuture<AdminResponse>? {
        guard r.count == 1 else { return nil }
        switch r[0] {
        case "leader": return read(request, loop) { _ in .json(node.serverAddress) }
        case "peers": return read(request, loop) { _ in .json([node.serverAddress]) }
        default: return nil
        }
    }
}
