import MeshConfig
public import MeshCore
import MeshProbe
import MeshProxy
import NIOCore

/// Registrations on the real data plane: a registered endpoint gets a route and probes (the
/// service's own check, or the HTTP and TCP checks its registration brings); a deregistered
/// one loses both. What this instance registers is shared through etcd when the registry is.
extension LiveMesh {
    /// A command of the registry API (Consul's agent API, here): applied, and shared.
    public func registry(_ command: RegistryCommand) -> OperatorError? {
        perform(command, remote: false)
    }

    /// What other instances registered and deregistered, and the shared registry's troubles.
    func applyShared(now: Double) {
        let (commands, notices) = inbox.takeShared()
        for command in commands { _ = perform(command, remote: true) }
        for notice in notices {
            engine.recordFault(Fault(action: "registry", target: "etcd", detail: notice), now: now)
        }
    }

    /// Consul HTTP and TCP check results, for the engine.
    func applyConsulChecks(now: Double) {
        for result in inbox.takeConsulChecks() {
            guard let (probe, status, output) = consulProbes.outcome(of: result),
                  let (s, slot) = engine.locate(probe.ref),
                  engine.state.endpoint(probe.ref)?.registration?.checks.indices.contains(probe.index) == true else { continue }
            engine.checkResult(service: s, slot: slot, check: probe.index, status: status, output: output, now: now)
        }
    }

    private func perform(_ command: RegistryCommand, remote: Bool) -> OperatorError? {
        guard case .register(let service, let endpoint, _) = command else {
            sharing = !remote
            defer { sharing = true }
            return .refusal { () throws(OperatorError) in try engine.apply(command, now: now) }
        }
        guard let text = endpoint.address, let address = HostPort(text) else {
            return .badRegistration("Address and Port: '\(endpoint.address ?? "")' is not host:port")
        }
        let resolved: SocketAddress
        do {
            resolved = try ServiceProxy.resolve(address.description, what: "\(service)/\(endpoint.id) address")
        } catch {
            return .badRegistration("\(error)")
        }
        sharing = !remote
        defer { sharing = true }
        if let refusal = OperatorError.refusal(of: { () throws(OperatorError) in try engine.apply(command, now: now) }) {
            return refusal
        }
        let ref = EndpointRef(service: service, endpoint: endpoint.id)
        guard let (s, slot) = engine.locate(ref), let registered = engine.state.endpoint(ref) else { return nil }
        // A service first heard of here has no listener: it is in the registry only.
        while routes.count <= s { routes.append([:]); meters.append(LoadMeter()); proxies.append(nil) }
        routes[s][slot] = resolved
        publish(service: s, hosts: engine.hostSet(ofService: s))
        checker.remove(service: s, slot: slot)
        let checks = registered.registration?.checks ?? []
        if checks.isEmpty {
            consulProbes.stop(ref)
            let policy = engine.policy(ofService: s).health
            if policy.kind != .none {
                checker.add(HealthTarget(service: s, slot: slot, host: address.host, port: address.port, policy: policy))
            }
        } else {
            consulProbes.start(checks, of: ref)
        }
        // Registered again while killed: it stays killed, and unchecked.
        if registered.state == .killed {
            checker.pause(service: s, slot: slot)
            consulProbes.pause(ref)
        }
        if !remote { shared?.publish(service: service, endpoint: registered) }
        return nil
    }

    /// A deregistration, whoever caused it (the API, a check critical for too long, the ID
    /// registered again elsewhere, another instance): its probes and route go; etcd hears of
    /// it unless it came from there.
    func withdraw(_ change: RegistryChange) {
        let ref = EndpointRef(service: change.service, endpoint: change.endpoint.id)
        consulProbes.stop(ref)
        guard let (s, slot) = engine.locate(ref) else { return }
        checker.remove(service: s, slot: slot)
        if s < routes.count { routes[s][slot] = nil }
        if sharing { shared?.withdraw(ref) }
    }
}
