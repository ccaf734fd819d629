import Foundation
import MeshConfig
public import MeshCore
public import MeshProbe
public import NIOCore
import NIOHTTP1

/// The admin API's routes (README "What you can do"): state, events, operator actions, alerts
/// and metrics of whatever session it holds (live, demo or replay answer the same routes). Transport-free: a request in, a future answer
/// out, so the routes are tested without sockets and served by `AdminServer`.
public final class AdminAPI: Sendable {
    /// The longest `wait=` honoured by `/v1/events`.
    static let maxWait = 300.0

    private let session: any SessionHandle
    private let journal: EventJournal
    private let token: String?
    private let consul: ConsulAPI
    /// Asks the live mesh's health checker how far it keeps up with its schedule.
    public typealias HealthCheckerLoadSource = @Sendable () -> EventLoopFuture<HealthCheckerLoad>
    /// For `/metrics`; nil where nothing checks sockets (demo, replay).
    private let healthCheckerLoad: HealthCheckerLoadSource?
    /// Asks the live mesh's listeners how many client connections they closed for slowness,
    /// keyed by service name.
    public typealias ListenerCountersSource = @Sendable () -> EventLoopFuture<[String: ListenerCounters]>
    /// For `/metrics`; nil where no listener runs (demo, replay).
    private let listenerCounters: ListenerCountersSource?

    /// `token`: when set, mutating routes need it (`Authorization: Bearer T`, `X-Consul-Token`
    /// or `?token=`). `address`: where the API listens (`host:port`), which Consul's status
    /// routes give as the leader's. `healthCheckerLoad`: how far the health checker keeps up,
    /// asked at each scrape.
    public init(session: any SessionHandle, journal: EventJournal, token: String?, address: String? = nil,
                healthCheckerLoad: HealthCheckerLoadSource? = nil, listenerCounters: ListenerCountersSource? = nil) {
        self.session = session
        self.healthCheckerLoad = healthCheckerLoad
        self.listenerCounters = listenerCounters
        self.journal = journal
        self.token = token.flatMap { $0.isEmpty ? nil : $0 }
        var node = ConsulNode(id: UUID().uuidString.lowercased(), serverAddress: address ?? "127.0.0.1:8300")
        if let listen = address.flatMap({ HostPort($0) }) {
            // Listening on every address: this machine's own is the one to give.
            if listen.isWildcard || listen.host == "localhost" {
                node.serverAddress = HostPort(host: "127.0.0.1", port: listen.port).description
            } else {
                node.address = listen.host
            }
        }
        consul = ConsulAPI(session: session, journal: journal, node: node)
    }

    /// Answers every long poll now (the session is ending).
    func close() { journal.wakeAll() }

    func respond(to request: AdminRequest, on loop: any EventLoop) -> EventLoopFuture<AdminResponse> {
        if request.isMutating, let token, request.token != token {
            let why = request.token == nil ? "this route needs the admin token (Authorization: Bearer …)" : "wrong admin token"
            return loop.makeSucceededFuture(.error(request.token == nil ? .unauthorized : .forbidden, why))
        }
        if let answer = consul.respond(to: request, on: loop) { return answer }
        let path = request.path
        switch (request.method, path.count) {
        case (_, 1) where path[0] == "healthz":
            return request.only(.GET, on: loop) { .json(["status": "ok"]) }
        case (_, 1) where path[0] == "metrics":
            guard request.method == .GET else { return loop.makeSucceededFuture(.notAllowed(request.method, allowed: .GET)) }
            // A checker already stopped (the session ending) leaves its series out, not the scrape.
            let checker = healthCheckerLoad.map { $0().hop(to: loop).map(Optional.some).recover { _ in nil } }
                ?? loop.makeSucceededFuture(nil)
            let listeners = listenerCounters.map { $0().hop(to: loop).map(Optional.some).recover { _ in nil } }
                ?? loop.makeSucceededFuture(nil)
            return checker.and(listeners).map { load, listeners in
                .text(PrometheusText.render(self.session.snapshot().state, totals: self.journal.totals(), checker: load,
                                            listeners: listeners),
                      contentType: "text/plain; version=0.0.4; charset=utf-8")
            }
        case (_, 2) where path[0] == "v1" && path[1] == "mesh":
            return request.only(.GET, on: loop) { .json(MeshSnapshot(self.session.snapshot())) }
        case (_, 2) where path[0] == "v1" && path[1] == "alerts":
            return request.only(.GET, on: loop) { .json(self.session.snapshot().state.alerts) }
        case (_, 2) where path[0] == "v1" && path[1] == "events":
            guard request.method == .GET else { return loop.makeSucceededFuture(.notAllowed(request.method, allowed: .GET)) }
            return events(request, loop)
        case (_, 5) where path[0] == "v1" && path[1] == "endpoints":
            return operate(request, target: EndpointRef(service: path[2], endpoint: path[3]), action: path[4], loop)
        default:
            return loop.makeSucceededFuture(.error(.notFound, "no route \(request.method.rawValue) /\(path.joined(separator: "/"))"))
        }
    }

    // MARK: Routes

    /// `GET /v1/events?since=SEQ&wait=D`: events after SEQ, at once when there are some, else
    /// when the next one happens or `wait` is over (an empty list).
    private func events(_ request: AdminRequest, _ loop: any EventLoop) -> EventLoopFuture<AdminResponse> {
        let sinceText = request.query["since"] ?? "0"
        guard let since = UInt64(sinceText) else {
            return loop.makeSucceededFuture(.error(.badRequest, "since: expected an event sequence number, got '\(sinceText)'"))
        }
        var wait = 0.0
        if let text = request.query["wait"] {
            guard let d = MeshDuration.parse(text), d >= 0 else {
                return loop.makeSucceededFuture(.error(.badRequest, "wait: expected a duration like 30s, got '\(text)'"))
            }
            wait = min(d, Self.maxWait)
        }
        let limit = request.query["limit"].flatMap(Int.init).map { max(1, min($0, 10_000)) } ?? 1_000
        let batch = journal.events(after: since, limit: limit)
        guard batch.isEmpty, wait > 0 else { return loop.makeSucceededFuture(Self.eventList(batch, since: since)) }
        let deadline = NIODeadline.now() + .nanoseconds(MeshDuration.nanoseconds(wait))
        return journal.wait(after: since, until: deadline, on: loop).map { [journal] in
            Self.eventList(journal.events(after: since, limit: limit), since: since)
        }
    }

    private static func eventList(_ events: [MeshEvent], since: UInt64) -> AdminResponse {
        var response = AdminResponse.json(events)
        // Where to continue from, also when nothing came.
        response.extraHeaders.append(("X-Mesh-Top-Index", String(events.last?.seq ?? since)))
        return response
    }

    /// `POST …/drain|kill|restore`, `PUT …/weight {"weight": N}`.
    private func operate(_ request: AdminRequest, target: EndpointRef, action name: String, _ loop: any EventLoop) -> EventLoopFuture<AdminResponse> {
        guard let action = OperatorAction(rawValue: name) else {
            return loop.makeSucceededFuture(.error(.notFound, "no action '\(name)' (drain, kill, restore, weight)"))
        }
        var weight: Int?
        if action == .weight {
            guard request.method == .PUT else { return loop.makeSucceededFuture(.notAllowed(request.method, allowed: .PUT)) }
            switch Self.weight(in: request.body) {
            case .success(let w): weight = w
            case .failure(let why): return loop.makeSucceededFuture(.error(.badRequest, why.message))
            }
        } else {
            guard request.method == .POST else { return loop.makeSucceededFuture(.notAllowed(request.method, allowed: .POST)) }
        }
        let command = OperatorCommand(action: action, target: target, by: "api", weight: weight)
        let answered = loop.makePromise(of: AdminResponse.self)
        session.submit(.operate(command)) { refusal in
            guard let refusal else {
                return answered.succeed(.json(Done(endpoint: target.description, action: action.rawValue, weight: command.weight)))
            }
            answered.succeed(.refused(refusal))
        }
        return answered.futureResult
    }

    // MARK: Helpers

    private struct BodyError: Error { let message: String }

    /// What an operator route answers once the engine has applied the command.
    private struct Done: Encodable {
        var endpoint: String
        var action: String
        var weight: Int?
    }

    /// The `weight` of a `{"weight": N}` body, or which part of the body is wrong: not JSON, a
    /// key other than `weight` (a typo is not a default), `weight` twice (JSON leaves which one
    /// counts to the reader: RFC 8259 §4), or not a whole number in range.
    private static func weight(in body: [UInt8]) -> Result<Int, BodyError> {
        guard !body.isEmpty else { return .failure(BodyError(message: "body: expected {\"weight\": N}, got nothing")) }
        let root: JSONValue
        do { root = try JSONValue.parse(body) } catch {
            return .failure(BodyError(message: "body: not JSON (expected {\"weight\": N}): \(error)"))
        }
        guard case .object(let members) = root else {
            return .failure(BodyError(message: "body: not a JSON object (expected {\"weight\": N})"))
        }
        if let other = members.first(where: { $0.key != "weight" }) {
            return .failure(BodyError(message: "body.\(other.key): unknown field (expected only weight)"))
        }
        guard members.count <= 1 else { return .failure(BodyError(message: "body.weight: given twice")) }
        guard let value = members.first?.value else {
            return .failure(BodyError(message: "body.weight: missing (expected {\"weight\": N})"))
        }
        let range = Endpoint.weightRange
        guard let n = value.double, n == n.rounded(), n >= Double(range.lowerBound), n <= Double(range.upperBound) else {
            let shown: String = switch value {
            case .number(let text): text
            case .string(let text): "'\(text)'"
            default: value.kind
            }
            return .failure(BodyError(message: "body.weight: expected a whole number \(range.lowerBound)...\(range.upperBound), got \(shown)"))
        }
        return .success(Int(n))
    }
}
