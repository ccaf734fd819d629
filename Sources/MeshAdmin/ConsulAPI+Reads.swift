import Foundation
import MeshCore
import NIOCore
import NIOHTTP1

/// The agent's, catalog's and health's reads, each from one snapshot of the session.
extension ConsulAPI {
    enum Instances {
        case name(String)
        case id(String)
    }

    func catalog() -> ConsulCatalog { ConsulCatalog(session.snapshot().state, node: node) }

    /// A read Consul does not block on (the agent's, status): `GET`, answered now; its query
    /// parameters are checked as every read's.
    func read(_ request: AdminRequest, _ loop: any EventLoop, _ answer: (ConsulCatalog) -> AdminResponse) -> EventLoopFuture<AdminResponse> {
        guard request.method == .GET else { return loop.makeSucceededFuture(.consulMethods(request.method, allowed: .GET)) }
        do throws(ConsulRegistration.Refusal) { _ = try ConsulQuery(request) } catch {
            return loop.makeSucceededFuture(.error(.badRequest, error.message))
        }
        return loop.makeSucceededFuture(answer(catalog()))
    }

    /// A blocking query (`agent/blockingquery`): without `?index`, or with `index=0`, at once;
    /// else once the answer's index passes `index` or the wait (`ConsulIndex.timeout`) is
    /// over, with the same index then. Every answer carries Consul's `X-Consul-*` headers.
    /// `scope`: the service the answer is about, so that news of others (and load samples)
    /// does not make it look again.
    func blocking(_ request: AdminRequest, _ loop: any EventLoop, scope: String? = nil,
                  _ answer: @escaping @Sendable (ConsulCatalog) -> any Encodable & Sendable) -> EventLoopFuture<AdminResponse> {
        guard request.method == .GET else { return loop.makeSucceededFuture(.consulMethods(request.method, allowed: .GET)) }
        let query: ConsulQuery
        do { query = try ConsulQuery(request) } catch { return loop.makeSucceededFuture(.error(.badRequest, error.message)) }
        let key = ConsulQuery.key(of: request)
        let deadline = NIODeadline.now() + .nanoseconds(Int64(ConsulIndex.timeout(wait: query.wait) * 1e9))
        /// `looked`: the relevance mark when the answer was last made.
        @Sendable func attempt(_ looked: UInt64?) -> EventLoopFuture<AdminResponse> {
            // In this order: a change published after the first read moves the second.
            let published = journal.latestPublished
            let mark = journal.relevance(of: scope)
            let over = NIODeadline.now() >= deadline
            if let looked, looked == mark, !over {
                return journal.waitForPublish(after: published, until: deadline, on: loop).flatMap { attempt(looked) }
            }
            let state = session.snapshot().state
            var response = AdminResponse.json(answer(ConsulCatalog(state, node: node)))
            let now = index.index(of: key, answer: response.body)
            guard query.index == 0 || now > query.index || over else {
                return journal.waitForPublish(after: state.seq, until: deadline, on: loop).flatMap { attempt(mark) }
            }
            response.extraHeaders += query.headers(index: now)
            return loop.makeSucceededFuture(response)
        }
        return attempt(nil)
    }

    // MARK: Agent

    func agentServices(_ catalog: ConsulCatalog) -> [String: ServiceEntry] {
        Dictionary(catalog.instances.map { ($0.id, catalog.agentService($0)) }, uniquingKeysWith: { a, _ in a })
    }

    func agentChecks(_ catalog: ConsulCatalog) -> [String: CheckEntry] {
        Dictionary(catalog.checks.map { ($0.checkID, $0) }, uniquingKeysWith: { a, _ in a })
    }

    /// `GET /v1/agent/service/ID[?hash=H&wait=D]`: Consul's hash-based blocking; the answer's
    /// `ContentHash` (also `X-Consul-ContentHash`) is what `hash` compares with.
    func agentService(id: String, _ request: AdminRequest, _ loop: any EventLoop) -> EventLoopFuture<AdminResponse> {
        guard request.method == .GET else { return loop.makeSucceededFuture(.consulMethods(request.method, allowed: .GET)) }
        let query: ConsulQuery
        do { query = try ConsulQuery(request) } catch { return loop.makeSucceededFuture(.error(.badRequest, error.message)) }
        let hash = request.query["hash"] ?? ""
        let deadline = NIODeadline.now() + .nanoseconds(Int64(ConsulIndex.timeout(wait: query.wait) * 1e9))
        @Sendable func attempt() -> EventLoopFuture<AdminResponse> {
            let state = session.snapshot().state
            let catalog = ConsulCatalog(state, node: node)
            guard let instance = catalog.instance(id) else {
                return loop.makeSucceededFuture(.error(.notFound, "unknown service ID: \(id)"))
            }
            var entry = catalog.agentService(instance)
            let digest = String(ConsulIndex.digest(AdminResponse.json(entry).body), radix: 16)
            guard hash.isEmpty || digest != hash || NIODeadline.now() >= deadline else {
                return journal.waitForPublish(after: state.seq, until: deadline, on: loop).flatMap { attempt() }
            }
            entry.contentHash = digest
            var response = AdminResponse.json(entry)
            response.extraHeaders.append(("X-Consul-ContentHash", digest))
            return loop.makeSucceededFuture(response)
        }
        return attempt()
    }

    /// `GET /v1/agent/health/service/name/NAME` and `…/id/ID`: the instances with their checks
    /// and aggregated status, the status also as the HTTP code (200 passing, 429 warning, 503
    /// critical or maintenance, 404 none), `?format=text` for the status alone.
    func agentHealth(_ which: Instances, _ request: AdminRequest, _ catalog: ConsulCatalog) -> AdminResponse {
        struct Info: Encodable {
            var aggregatedStatus: String
            var service: ServiceEntry?
            var checks: [CheckEntry]?
            enum CodingKeys: String, CodingKey { case aggregatedStatus = "AggregatedStatus", service = "Service", checks = "Checks" }
        }
        let text = request.query["format"] == "text" || request.headers.first(name: "accept")?.hasPrefix("text/plain") == true
        func answer(_ status: HTTPResponseStatus, _ word: String, _ body: some Encodable) -> AdminResponse {
            if text { var r = AdminResponse.text(word); r.status = status; return r }
            return .json(body, status: status)
        }
        let found: [ConsulCatalog.Instance] = switch which {
        case .name(let name): catalog.instances(of: name)
        case .id(let id): catalog.instance(id).map { [$0] } ?? []
        }
        let infos = found.map { Info(aggregatedStatus: $0.aggregatedStatus, service: catalog.agentService($0), checks: $0.checks) }
        guard let worst = infos.max(by: { Self.code($0.aggregatedStatus).code < Self.code($1.aggregatedStatus).code }) else {
            switch which {
            case .name(let name): return answer(.notFound, "ServiceName \(name) Not Found", [Info]())
            case .id(let id): return answer(.notFound, "ServiceId \(id) not found", Info(aggregatedStatus: "critical"))
            }
        }
        let status = Self.code(worst.aggregatedStatus)
        if case .id = which { return answer(status, worst.aggregatedStatus, worst) }
        return answer(status, worst.aggregatedStatus, infos)
    }

    private static func code(_ aggregated: String) -> HTTPResponseStatus {
        switch aggregated {
        case "passing": .ok
        case "warning": .tooManyRequests
        default: .serviceUnavailable
        }
    }

    // MARK: Catalog and health

    /// `?node-meta=K:V` filters by the node's metadata: mesh-top's node has none, so any such
    /// filter leaves nothing.
    func nodeFiltered(_ request: AdminRequest) -> Bool { !request.values(of: "node-meta").isEmpty }

    /// `GET /v1/catalog/service/NAME[?tag=…]`: every instance, whatever its health.
    func catalogService(_ name: String, _ request: AdminRequest, _ catalog: ConsulCatalog) -> [CatalogEntry] {
        guard !nodeFiltered(request) else { return [] }
        let tags = request.values(of: "tag")
        return catalog.instances(of: name).filter { $0.hasTags(tags) }.map {
            CatalogEntry(node: node.entry, service: ServiceEntry(id: $0.id, service: $0.service, endpoint: $0.endpoint))
        }
    }

    /// `GET /v1/health/service/NAME[?passing][&tag=…]` (`agent/health_endpoint.go`): with
    /// `passing`, only instances whose checks all pass; each `tag` must be carried.
    func healthService(_ name: String, _ filter: ConsulFilter?, _ request: AdminRequest, _ loop: any EventLoop) -> EventLoopFuture<AdminResponse> {
        var passing = false
        if let raw = request.query["passing"] {
            guard let flag = raw.isEmpty ? true : Self.parseBool(raw) else {
                return loop.makeSucceededFuture(.error(.badRequest, "passing: Invalid value for ?passing ('\(raw)' is not true or false)"))
            }
            passing = flag
        }
        let tags = request.values(of: "tag"), filtered = nodeFiltered(request), onlyPassing = passing
        return blocking(request, loop, scope: name) { catalog in
            guard !filtered else { return [HealthEntry]() }
            let entries = catalog.instances(of: name).filter { $0.hasTags(tags) }.map(catalog.healthEntry)
                .filter { !onlyPassing || $0.checks.allSatisfy { $0.status == "passing" } }
            return Self.apply(filter, to: entries)
        }
    }

    /// `GET /v1/health/state/STATE`: every check in that state (`any` for all).
    func healthState(_ state: String, _ filter: ConsulFilter?, _ request: AdminRequest, _ loop: any EventLoop) -> EventLoopFuture<AdminResponse> {
        guard state == "any" || CheckStatus(rawValue: state) != nil else {
            return loop.makeSucceededFuture(.error(.badRequest, "state: '\(state)' is not any, passing, warning or critical"))
        }
        return blocking(request, loop) { catalog in
            Self.apply(filter, to: catalog.checks.filter { state == "any" || $0.status == state })
        }
    }
}
