import MeshConfig
public import MeshCore
import MeshProbe
import MeshProxy
import NIOCore

/// Registrations on the real data plane: a registered endpoint gets a route and (unless its
/// health comes from TTL reports) a probe; a deregistered one loses both.
extension LiveMesh {
    /// A registration made here (the Consul-compatible API): applied, then shared through etcd
    /// when the registry is shared.
    public func registry(_ command: RegistryCommand) -> OperatorError? {
        let withdrawn: EndpointRef? = if case .deregister(let id) = command { engine.locate(id: id) } else { nil }
        if let refusal = apply(command) { return refusal }
        switch command {
        case .register(let service, let endpoint, _): shared?.publish(service: service, endpoint: endpoint)
        case .deregister: if let withdrawn { shared?.withdraw(withdrawn) }
        case .report: break
        }
        return nil
    }

    /// What other instances registered and deregistered, and the shared registry's troubles.
    func applyShared(now: Double) {
        let (commands, notices) = inbox.takeShared()
        for command in commands { _ = apply(command) }
        for notice in notices {
            engine.recordFault(Fault(action: "registry", target: "etcd", detail: notice), now: now)
        }
    }

    func apply(_ command: RegistryCommand) -> OperatorError? {
        switch command {
        case .register(let service, let endpoint, let ttl):
            return register(endpoint, in: service, ttl: ttl)
        case .deregister(let id):
            guard let ref = engine.locate(id: id), let (s, slot) = engine.locate(ref) else { return .unknownID(id) }
            checker.remove(service: s, slot: slot)
            routes[s][slot] = nil
            ttls[ref] = nil
            return .refusal { () throws(OperatorError) in try engine.deregister(ref, now: now) }
        case .report(let id, let passed):
            guard let ref = engine.locate(id: id), let (s, slot) = engine.locate(ref) else { return .unknownID(id) }
            if let ttl = ttls[ref] { ttls[ref] = (ttl.ttl, now + ttl.ttl) }
            engine.healthCheck(service: s, slot: slot, passed: passed, now: now)
            return nil
        }
    }

    /// A TTL whose report has run out counts as a failed check, once per TTL.
    func expireTTLs(now: Double) {
        for (ref, ttl) in ttls where now >= ttl.until {
            ttls[ref] = (ttl.ttl, now + ttl.ttl)
            guard let (s, slot) = engine.locate(ref) else { continue }
            engine.healthCheck(service: s, slot: slot, passed: false, now: now)
        }
    }

    private func register(_ endpoint: Endpoint, in service: String, ttl: Double?) -> OperatorError? {
        guard let text = endpoint.address, let address = HostPort(text) else {
            return .badRegistration("Address and Port: '\(endpoint.address ?? "")' is not host:port")
        }
        let resolved: SocketAddress
        do {
            resolved = try ServiceProxy.resolve(address.description, what: "\(service)/\(endpoint.id) address")
        } catch {
            return .badRegistration("\(error)")
        }
        let ref = EndpointRef(service: service, endpoint: endpoint.id)
        if let (s, slot) = engine.locate(ref) { checker.remove(service: s, slot: slot) }
        engine.register(service: service, endpoint: endpoint, now: now)
        guard let (s, slot) = engine.locate(ref) else { return nil }
        // A service first heard of here has no listener: it is in the registry only.
        while routes.count <= s { routes.append([:]); meters.append(LoadMeter()); proxies.append(nil) }
        routes[s][slot] = resolved
        publish(service: s, hosts: engine.hostSet(ofService: s))
        let policy = engine.policy(ofService: s).health
        if let ttl {
            ttls[ref] = (ttl, now + ttl)
        } else {
            ttls[ref] = nil
            if policy.kind != .none {
                checker.add(HealthTarget(service: s, slot: slot, host: address.host, port: address.port, policy: policy))
            }
        }
        return nil
    }
}
