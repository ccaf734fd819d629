import Foundation
import MeshCore
import NIOCore
import NIOHTTP1

/// `?filter=` on the list routes that take it in Consul (`api-docs/features/filtering`): the
/// agent's services and checks, the catalog's services, nodes and instances of a service, the
/// health of a service, its checks, the checks in a state and of the node. Each route's
/// filter is checked against the shape of its own entries, as `bexpr.CreateFilter` checks it
/// against the Go type Consul lists.
extension ConsulAPI {
    enum Listed {
        case agentService, check, catalogEntry, healthEntry, node

        /// The shape of one entry, read off a sample with every field filled.
        var shape: ConsulFilter.Shape {
            let node = ConsulNode(id: "", serverAddress: "").entry
            var endpoint = Endpoint(id: "i", address: "10.0.0.1:1", tags: ["t"], metadata: ["k": "v"])
            endpoint.registration = Registration()
            let service = ServiceEntry(id: "i", service: "s", endpoint: endpoint, datacenter: ConsulNode.datacenter)
            var check = CheckEntry(node: "n", checkID: "c", name: "n", status: "passing", output: "", serviceID: "i",
                                   serviceName: "s", serviceTags: ["t"])
            check.definition = CheckEntry.Definition(http: "", tcp: "", interval: "", timeout: "", ttl: "", deregisterCriticalServiceAfter: "")
            let sample: any Encodable = switch self {
            case .agentService: service
            case .check: check
            case .catalogEntry: CatalogEntry(node: node, service: service)
            case .healthEntry: HealthEntry(node: node, service: service, checks: [check])
            case .node: node
            }
            // The samples are mesh-top's own entries, which always encode and parse.
            guard let bytes = try? JSONEncoder().encode(sample), let json = try? JSONValue.parse(Array(bytes)) else { return .object([:]) }
            return ConsulFilter.Shape(json)
        }
    }

    /// `body` with the request's filter for entries of `listed` (nil without one), or a 400 in
    /// go-bexpr's words for a filter that does not parse or names what the entries lack.
    func filtering(_ listed: Listed, _ request: AdminRequest, _ loop: any EventLoop,
                   _ body: (ConsulFilter?) -> EventLoopFuture<AdminResponse>) -> EventLoopFuture<AdminResponse> {
        let filter: ConsulFilter?
        do throws(ConsulRegistration.Refusal) { filter = try ConsulFilter.of(request, shape: listed.shape) } catch {
            guard request.method == .GET else { return body(nil) }
            return loop.makeSucceededFuture(.error(.badRequest, error.message))
        }
        return body(filter)
    }

    /// The entries `filter` lets through (all without one), each read as the JSON it is answered with.
    static func apply<T: Encodable>(_ filter: ConsulFilter?, to items: [T]) -> [T] {
        guard let filter else { return items }
        let encoder = JSONEncoder()
        let regexes = filter.regexes()
        return items.filter { item in
            // Entries are mesh-top's own, which always encode and parse.
            guard let bytes = try? encoder.encode(item), let json = try? JSONValue.parse(Array(bytes)) else { return false }
            return filter.matches(json, regexes)
        }
    }

    /// A map answer (`/v1/agent/services`, `/v1/agent/checks`): the filter applies to its values.
    static func apply<T: Encodable>(_ filter: ConsulFilter?, to items: [String: T]) -> [String: T] {
        guard filter != nil else { return items }
        let kept = Set(apply(filter, to: items.map { Keyed(key: $0.key, value: $0.value) }).map(\.key))
        return items.filter { kept.contains($0.key) }
    }

    /// A map's value with its key, encoded as the value alone.
    private struct Keyed<T: Encodable>: Encodable {
        var key: String
        var value: T
        func encode(to encoder: any Encoder) throws { try value.encode(to: encoder) }
    }
}
