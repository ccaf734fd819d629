import MeshConfig
public import MeshCore
import MeshProbe
import MeshProxy
import NIOCore

/// Registrations on the real data plane: the engine registers, and its `attach` gives the
/// endpoint a route and probes (the service's own check, or the HTTP and TCP checks its
/// registration brings); its `detach` takes both away.
extension LiveMesh {
    /// A command of the registry API (Consul's agent API, here): applied, and shared through
    /// etcd (by the events it causes) when the mesh is.
    public func registry(_ command: RegistryCommand) -> OperatorError? {
        defer { settle() }
        if case .deregisterCheck(let id) = command, let (ref, _) = engine.state.check(id), let endpoint = engine.state.endpoint(ref) {
            // Attached again where it is, so that its probes start again without the check.
            switch resolve(service: ref.service, endpoint) {
            case .success(let address): joining[ref] = address
            case .failure(let error): return error
            }
        }
        guard case .register(let service, var endpoint, _) = command else {
            defer { joining.removeAll() }
            return .refusal { () throws(OperatorError) in carryOut(try engine.apply(command, now: now)) }
        }
        let ref = EndpointRef(service: service, endpoint: endpoint.id)
        switch resolve(service: service, endpoint) {
        case .success(let address): joining[ref] = address
        case .failure(let error): return error
        }
        defer { joining.removeAll() }
        endpoint.owner = instance
        if let refusal = OperatorError.refusal(of: { () throws(OperatorError) in
            carryOut(try engine.apply(.register(service: service, endpoint: endpoint, replaceChecks: command.replacesChecks), now: now))
        }) {
            return refusal
        }
        adoptWords(on: ref)
        return nil
    }

    /// Consul HTTP and TCP check results, for the engine.
    func applyConsulChecks(now: Double) {
        for result in inbox.takeConsulChecks() {
            guard let (probe, status, output) = consulProbes.outcome(of: result),
                  let (s, slot) = engine.locate(probe.ref),
                  engine.state.endpoint(probe.ref)?.registration?.checks.indices.contains(probe.index) == true else { continue }
            carryOut(engine.checkResult(service: s, slot: slot, check: probe.index, status: status, output: output, now: now))
        }
    }

    /// The endpoint's address, parsed and resolved, or why it cannot be routed to.
    func resolve(service: String, _ endpoint: Endpoint) -> Result<(HostPort, SocketAddress), OperatorError> {
        guard let text = endpoint.address, let address = HostPort(text) else {
            return .failure(.badRegistration("Address and Port: '\(endpoint.address ?? "")' is not host:port"))
        }
        do {
            return .success((address, try ServiceProxy.resolve(address.description, what: "\(service)/\(endpoint.id) address")))
        } catch {
            return .failure(.badRegistration("\(error)"))
        }
    }

    /// A (newly) registered endpoint on the data plane: its route, and its probes.
    func attach(_ target: EndpointSlot, at address: (HostPort, SocketAddress)) {
        let (ref, s, slot) = (target.ref, target.service, target.slot)
        guard let registered = engine.state.endpoint(ref) else { return }
        // A service first heard of here has no listener: it is in the registry only.
        while routes.count <= s { routes.append([:]); meters.append(LoadMeter()); proxies.append(nil) }
        routes[s][slot] = address.1
        publish(service: s, hosts: engine.hostSet(ofService: s))
        checker.remove(service: s, slot: slot)
        let checks = registered.registration?.checks ?? []
        if checks.isEmpty {
            consulProbes.stop(ref)
            let policy = engine.policy(ofService: s).health
            if policy.kind != .none {
                checker.add(HealthTarget(service: s, slot: slot, host: address.0.host, port: address.0.port, policy: policy,
                                         tls: tls.client(s)))
            }
        } else {
            consulProbes.start(checks, of: ref)
        }
    }

    /// A deregistration, whoever caused it (the API, a check critical for too long, the ID
    /// registered again elsewhere, another instance): its probes and route go.
    func detach(_ target: EndpointSlot) {
        consulProbes.stop(target.ref)
        checker.remove(service: target.service, slot: target.slot)
        if target.service < routes.count { routes[target.service][target.slot] = nil }
    }
}

extension RegistryCommand {
    var replacesChecks: Bool {
        if case .register(_, _, let replace) = self { return replace }
        return false
    }
}
