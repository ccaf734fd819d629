import Foundation
import MeshConfig
import MeshCore
import NIOCore
import NIOHTTP1

/// The Consul-compatible subset (SPEC "Admin API"): service registration, TTL check reports and
/// the catalog/health reads with blocking queries, in Consul's JSON shapes, so that Consul
/// client libraries register with mesh-top and discover through it unchanged. mesh-top is the
/// one "node" of its datacenter.
struct ConsulAPI: Sendable {
    static let node = "mesh-top"
    static let datacenter = "dc1"

    let control: any MeshControl
    let journal: EventJournal

    /// The answer to a Consul route, or nil when `request` is not one.
    func respond(to request: AdminRequest, on loop: any EventLoop) -> EventLoopFuture<AdminResponse>? {
        let p = request.path
        guard p.count >= 3, p[0] == "v1" else { return nil }
        switch (p[1], p[2], p.count) {
        case ("agent", "service", 4) where p[3] == "register":
            return mutating(request, loop) { try self.registration(request.body) }
        case ("agent", "service", 5) where p[3] == "deregister":
            return mutating(request, loop, allowGET: true) { .deregister(id: p[4]) }
        case ("agent", "check", 5) where ["pass", "warn", "fail"].contains(p[3]):
            // Service checks are `service:ID`; a bare ID is taken as the service's.
            let id = p[4].hasPrefix("service:") ? String(p[4].dropFirst("service:".count)) : p[4]
            return mutating(request, loop, allowGET: true) { .report(id: id, passed: p[3] != "fail") }
        case ("agent", "services", 3):
            return request.only(.GET, on: loop) { .json(self.agentServices()) }
        case ("catalog", "services", 3):
            return blockingQuery(request, service: nil, loop) { self.catalogServices() }
        case ("health", "service", 4):
            let name = p[3], passing = request.query["passing"].map { $0 != "false" && $0 != "0" } ?? false
            return blockingQuery(request, service: name, loop) { self.health(of: name, passingOnly: passing) }
        default:
            return nil
        }
    }

    // MARK: Writes

    private struct BadBody: Error { let message: String }

    /// `PUT`, as Consul; `allowGET` for the routes Consul clients written before Consul 1.0
    /// still call with GET (python-consul's deregister and check reports). The command goes
    /// through the session like an operator's.
    private func mutating(_ request: AdminRequest, _ loop: any EventLoop, allowGET: Bool = false,
                          _ make: () throws -> RegistryCommand) -> EventLoopFuture<AdminResponse> {
        guard request.method == .PUT || (allowGET && request.method == .GET) else {
            return loop.makeSucceededFuture(.notAllowed(request.method, allowed: .PUT))
        }
        let command: RegistryCommand
        do {
            command = try make()
        } catch let bad as BadBody {
            return loop.makeSucceededFuture(.error(.badRequest, bad.message))
        } catch {
            return loop.makeSucceededFuture(.error(.badRequest, "\(error)"))
        }
        let answered = loop.makePromise(of: AdminResponse.self)
        control.registry(command) { refusal in
            guard let refusal else {
                return answered.succeed(AdminResponse(status: .ok, contentType: "application/json", body: []))
            }
            answered.succeed(.refused(refusal))
        }
        return answered.futureResult
    }

    /// A Consul service definition (`ID`, `Name`, `Tags`, `Address`, `Port`, `Meta`, `Weights`,
    /// `Check`/`Checks`), keys in any case as Consul accepts them. `Meta.zone` places the
    /// endpoint in a zone. A `TTL` check makes its health come from check reports; other check
    /// kinds are replaced by the service's own `health:` checks.
    func registration(_ body: [UInt8]) throws -> RegistryCommand {
        guard let object = (try? JSONSerialization.jsonObject(with: Data(body))) as? [String: Any] else {
            throw BadBody(message: "body: not a JSON object (expected a Consul service definition)")
        }
        let field = Self.caseInsensitive(object)
        guard let name = field("Name") as? String, !name.isEmpty else { throw BadBody(message: "body.Name: required (the service name)") }
        let id = try Self.string(field("ID"), "body.ID") ?? name
        guard !id.isEmpty, !id.contains("/") else { throw BadBody(message: "body.ID: '\(id)' cannot be empty or contain '/'") }
        guard let port = field("Port") as? Int, (1...65535).contains(port) else {
            throw BadBody(message: "body.Port: required, 1...65535 (mesh-top routes to Address:Port)")
        }
        let host = try Self.string(field("Address"), "body.Address").flatMap { $0.isEmpty ? nil : $0 } ?? "127.0.0.1"
        guard let address = HostPort(host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)") else {
            throw BadBody(message: "body.Address: '\(host)' is not a host name or IP address")
        }
        guard let tags = (field("Tags") ?? [String]()) as? [String] else { throw BadBody(message: "body.Tags: expected a list of strings") }
        guard let meta = (field("Meta") ?? [String: String]()) as? [String: String] else {
            throw BadBody(message: "body.Meta: expected an object of strings")
        }
        var weight = Endpoint.defaultWeight
        if let weights = field("Weights") {
            guard let w = weights as? [String: Any], let passing = Self.caseInsensitive(w)("Passing") as? Int,
                  Endpoint.weightRange.contains(passing) else {
                throw BadBody(message: "body.Weights.Passing: expected a whole number \(Endpoint.weightRange.lowerBound)...\(Endpoint.weightRange.upperBound)")
            }
            weight = passing
        }
        var checks: [[String: Any]] = []
        if let one = field("Check") {
            guard let check = one as? [String: Any] else { throw BadBody(message: "body.Check: expected an object") }
            checks.append(check)
        }
        if let many = field("Checks") {
            guard let list = many as? [[String: Any]] else { throw BadBody(message: "body.Checks: expected a list of objects") }
            checks += list
        }
        var ttl: Double?
        for (i, check) in checks.enumerated() {
            guard let text = Self.caseInsensitive(check)("TTL") else { continue }
            guard let s = text as? String, let d = MeshDuration.parse(s), d > 0 else {
                throw BadBody(message: "body.\(field("Checks") == nil ? "Check" : "Checks[\(i)]").TTL: '\(text)' is not a duration like 10s")
            }
            ttl = d
        }
        let endpoint = Endpoint(id: id, address: address.description, zone: meta["zone"] ?? "", weight: weight,
                                tags: tags, metadata: meta)
        return .register(service: name, endpoint: endpoint, ttl: ttl)
    }

    // MARK: Reads

    /// A blocking query: with `?index=N`, answers once the result's index passes N or `wait`
    /// (default 5m, as Consul) is over; always with `X-Consul-Index`.
    private func blockingQuery(_ request: AdminRequest, service: String?, _ loop: any EventLoop,
                          _ answer: @escaping @Sendable () -> any Encodable & Sendable) -> EventLoopFuture<AdminResponse> {
        guard request.method == .GET else { return loop.makeSucceededFuture(.notAllowed(request.method, allowed: .GET)) }
        let journal = self.journal
        let respond: @Sendable () -> AdminResponse = {
            var r = AdminResponse.json(answer())
            r.extraHeaders.append(("X-Consul-Index", String(max(1, journal.changeIndex(of: service)))))
            r.extraHeaders.append(("X-Consul-KnownLeader", "true"))
            return r
        }
        guard let text = request.query["index"] else { return loop.makeSucceededFuture(respond()) }
        guard let index = UInt64(text) else { return loop.makeSucceededFuture(.error(.badRequest, "index: expected a whole number, got '\(text)'")) }
        var wait = 300.0
        if let w = request.query["wait"] {
            guard let d = MeshDuration.parse(w), d >= 0 else { return loop.makeSucceededFuture(.error(.badRequest, "wait: '\(w)' is not a duration like 30s")) }
            wait = min(d, 600)
        }
        let deadline = NIODeadline.now() + .nanoseconds(Int64(wait * 1e9))
        @Sendable func attempt() -> EventLoopFuture<AdminResponse> {
            if journal.changeIndex(of: service) > index || NIODeadline.now() >= deadline { return loop.makeSucceededFuture(respond()) }
            return journal.wait(after: journal.latestSeq, until: deadline, on: loop).flatMap { attempt() }
        }
        return attempt()
    }

    func agentServices() -> [String: ServiceEntry] {
        var out: [String: ServiceEntry] = [:]
        for service in control.currentState().services {
            for endpoint in service.endpoints { out[endpoint.id] = ServiceEntry(service, endpoint, datacenter: Self.datacenter) }
        }
        return out
    }

    func catalogServices() -> [String: [String]] {
        var out: [String: [String]] = [:]
        for service in control.currentState().services {
            var tags: [String] = []
            for endpoint in service.endpoints { for tag in endpoint.tags where !tags.contains(tag) { tags.append(tag) } }
            out[service.name] = tags
        }
        return out
    }

    func health(of name: String, passingOnly: Bool) -> [HealthEntry] {
        guard let service = control.currentState().service(name) else { return [] }
        return service.endpoints.compactMap { endpoint in
            let status = HealthEntry.status(of: endpoint.state)
            if passingOnly && status != "passing" { return nil }
            return HealthEntry(service: service, endpoint: endpoint, status: status)
        }
    }

    private static func caseInsensitive(_ object: [String: Any]) -> (String) -> Any? {
        { key in object[key] ?? object.first { $0.key.lowercased() == key.lowercased() }?.value }
    }

    private static func string(_ value: Any?, _ name: String) throws -> String? {
        guard let value else { return nil }
        guard let s = value as? String else { throw BadBody(message: "\(name): expected a string") }
        return s
    }
}
