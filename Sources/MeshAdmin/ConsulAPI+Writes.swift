import Foundation
import MeshCore
import NIOCore
import NIOHTTP1

/// Registrations, deregistrations, check reports and maintenance (`agent/agent_endpoint.go`).
extension ConsulAPI {
    typealias Refusal = ConsulRegistration.Refusal

    /// `PUT /v1/agent/service/register`: `?replace-existing-checks` (present and empty or
    /// `true`, as Consul reads it) drops the instance's checks this definition does not name.
    func register(_ request: AdminRequest, _ loop: any EventLoop) -> EventLoopFuture<AdminResponse> {
        let replace = request.query["replace-existing-checks"].map { $0.isEmpty || $0 == "true" } ?? false
        return write(request, loop) { () throws(Refusal) in
            let definition = try ConsulRegistration(body: request.body)
            return .register(service: definition.service, endpoint: definition.endpoint, replaceChecks: replace)
        }
    }

    /// `PUT /v1/agent/check/register`: a check added to a registered instance, as if it came
    /// with the instance's registration (a check of the same ID is replaced, keeping its
    /// status); 404 in Consul's words for an unknown `ServiceID`, 409 for a configured endpoint.
    /// The instance is read from the latest snapshot: a registration of the same ID answered
    /// after this request was read is registered again with this check.
    func registerCheck(_ request: AdminRequest, _ loop: any EventLoop) -> EventLoopFuture<AdminResponse> {
        guard request.method == .PUT else { return loop.makeSucceededFuture(.consulMethods(request.method, allowed: .PUT)) }
        let definition: (serviceID: String, check: ServiceCheck)
        do { definition = try ConsulRegistration.checkDefinition(body: request.body) } catch {
            return loop.makeSucceededFuture(.error(.badRequest, error.message))
        }
        guard let instance = catalog().instance(definition.serviceID) else {
            return loop.makeSucceededFuture(.error(.notFound, "ServiceID \"\(definition.serviceID)\" does not exist"))
        }
        return write(request, loop) { () throws(Refusal) in
            var endpoint = instance.endpoint
            var registration = endpoint.registration ?? Registration()
            registration.checks = [definition.check]
            endpoint.registration = registration
            return .register(service: instance.service, endpoint: endpoint, replaceChecks: false)
        }
    }

    /// `PUT /v1/agent/check/deregister/CHECK` (Consul's `AgentDeregisterCheck`, `RemoveCheck`):
    /// the check goes and its instance stays, judged by the checks it has left. A service's
    /// maintenance check removed ends its maintenance, as in Consul (it is that check alone);
    /// mesh-top's own check of an endpoint of the run file is refused as the endpoint is (409).
    /// An unknown ID is Consul's 404.
    func deregisterCheck(_ id: String, _ request: AdminRequest, _ loop: any EventLoop) -> EventLoopFuture<AdminResponse> {
        let catalog = catalog()
        let instance = catalog.checks.first { $0.checkID == id }.flatMap { catalog.instance($0.serviceID) }
        if let instance, instance.endpoint.registration == nil, id != ConsulCatalog.maintenancePrefix + instance.id,
           request.method == .PUT || request.method == .GET {
            return loop.makeSucceededFuture(.refused(.configured(id: instance.id, EndpointRef(service: instance.service, endpoint: instance.endpoint.id))))
        }
        let nodeMaintenance = id == ConsulCatalog.nodeMaintenance && !catalog.nodeChecks.isEmpty
        return write(request, loop, allowGET: true) { () throws(Refusal) in
            if nodeMaintenance { return .nodeMaintenance(enable: false, reason: "") }
            guard let instance, id == ConsulCatalog.maintenancePrefix + instance.id else { return .deregisterCheck(id: id) }
            return .maintenance(id: instance.id, enable: false, reason: "")
        }
    }

    /// `PUT /v1/agent/service/maintenance/ID?enable=true|false&reason=…`: drain and restore.
    /// Without a reason the maintenance check's notes are Consul's default words.
    func maintenance(id: String, _ request: AdminRequest, _ loop: any EventLoop) -> EventLoopFuture<AdminResponse> {
        write(request, loop) { () throws(Refusal) in
            let (enable, reason) = try Self.maintenanceQuery(request, default: ConsulCatalog.defaultMaintenanceReason)
            return .maintenance(id: id, enable: enable, reason: reason)
        }
    }

    /// `PUT /v1/agent/maintenance?enable=true|false&reason=…` (`AgentNodeMaintenance`): the
    /// node's maintenance, which drains every endpoint the operator has not taken out already
    /// and restores them when it ends (`RegistryCommand.nodeMaintenance`).
    func nodeMaintenance(_ request: AdminRequest, _ loop: any EventLoop) -> EventLoopFuture<AdminResponse> {
        write(request, loop) { () throws(Refusal) in
            let (enable, reason) = try Self.maintenanceQuery(request, default: ConsulCatalog.defaultNodeMaintenanceReason)
            return .nodeMaintenance(enable: enable, reason: reason)
        }
    }

    /// `enable` (Go's `ParseBool`, required) and `reason` (Consul's default words when empty),
    /// refused in Consul's words (`agent_endpoint.go`, `AgentServiceMaintenance`).
    private static func maintenanceQuery(_ request: AdminRequest, default words: String) throws(Refusal) -> (Bool, String) {
        guard let raw = request.query["enable"] else { throw Refusal(message: "enable: Missing value for enable (true or false)") }
        guard let enable = parseBool(raw) else { throw Refusal(message: "enable: Invalid value for enable: \"\(raw)\" (true or false)") }
        let reason = request.query["reason"] ?? ""
        try ConsulRegistration.text(reason, "reason")
        return (enable, reason.isEmpty ? words : reason)
    }

    /// `PUT /v1/agent/check/pass|warn|fail/CHECK[?note=…]`: a TTL check's status at once.
    func report(_ verb: String, check: String, _ request: AdminRequest, _ loop: any EventLoop) -> EventLoopFuture<AdminResponse> {
        let status: CheckStatus = verb == "pass" ? .passing : verb == "warn" ? .warning : .critical
        if let refusal = notTTL(check, request) { return loop.makeSucceededFuture(refusal) }
        return write(request, loop, allowGET: true) { () throws(Refusal) in
            let note = request.query["note"] ?? ""
            try ConsulRegistration.text(note, "note", newlines: true)
            return .updateCheck(id: check, status: status, output: note)
        }
    }

    /// `PUT /v1/agent/check/update/CHECK` with `{"Status": …, "Output": …}` (what Consul's Go
    /// client's `UpdateTTL` sends).
    func update(check: String, _ request: AdminRequest, _ loop: any EventLoop) -> EventLoopFuture<AdminResponse> {
        if let refusal = notTTL(check, request) { return loop.makeSucceededFuture(refusal) }
        return write(request, loop) { () throws(Refusal) in
            let root: JSONValue
            do { root = try JSONValue.parse(request.body) } catch {
                throw Refusal(message: "body: Request decode failed: not JSON (expected {\"Status\": \"passing\", \"Output\": \"…\"}): \(error)")
            }
            guard case .object = root else { throw Refusal(message: "body: expected a JSON object, got \(root.kind)") }
            let body = ConsulRegistration.Fields(root, path: "body")
            try body.refuseUnknown(["status", "output"])
            let given = try body.string("Status") ?? ""
            guard let status = CheckStatus(rawValue: given) else {
                throw Refusal(message: "body.Status: Invalid check status: '\(given)' (passing, warning or critical)")
            }
            let output = try body.string("Output") ?? ""
            try ConsulRegistration.text(output, "body.Output", newlines: true)
            return .updateCheck(id: check, status: status, output: output)
        }
    }

    /// Consul's answer to a report for a check the agent lists but no registration brought:
    /// mesh-top's own check of an endpoint of the run file (an HTTP or TCP check in Consul's
    /// model, which the agent runs) or a maintenance check. Consul updates TTL checks alone
    /// and answers any other `500 CheckID "ID" does not have associated TTL` (`agent/agent.go`,
    /// `updateTTLCheck`); a registration's own checks the engine tells apart itself.
    func notTTL(_ check: String, _ request: AdminRequest) -> AdminResponse? {
        guard request.method == .PUT || request.method == .GET,
              catalog().checks.contains(where: { $0.checkID == check && $0.type != ServiceCheck.Kind.ttl.rawValue }) else { return nil }
        return .refused(.notTTL(check))
    }

    /// A write: `PUT`, and also `GET` where clients written for Consul before 1.0 still use it
    /// (python-consul's deregister and check reports). The command goes through the session
    /// like an operator's; the answer comes once it is applied and published, so that every
    /// read after it sees it.
    func write(_ request: AdminRequest, _ loop: any EventLoop, allowGET: Bool = false,
               _ make: () throws(Refusal) -> RegistryCommand) -> EventLoopFuture<AdminResponse> {
        guard request.method == .PUT || (allowGET && request.method == .GET) else {
            return loop.makeSucceededFuture(.consulMethods(request.method, allowed: .PUT))
        }
        let command: RegistryCommand
        do {
            command = try make()
        } catch {
            return loop.makeSucceededFuture(.error(.badRequest, error.message))
        }
        let answered = loop.makePromise(of: AdminResponse.self)
        session.submit(.registry(command)) { refusal in
            guard let refusal else {
                return answered.succeed(AdminResponse(status: .ok, contentType: "application/json", body: []))
            }
            answered.succeed(.refused(refusal))
        }
        return answered.futureResult
    }

    /// Go's `strconv.ParseBool`, which Consul reads flags with.
    static func parseBool(_ text: String) -> Bool? {
        switch text {
        case "1", "t", "T", "true", "TRUE", "True": true
        case "0", "f", "F", "false", "FALSE", "False": false
        default: nil
        }
    }
}
