/// Registrations: endpoints joining and leaving at run time, and the registry API's commands
/// (Consul's agent API, the shared registry) with Consul's rules for IDs.
extension MeshEngine {
    /// Adds (or replaces) an endpoint of a service, creating the service if needed. The
    /// endpoint's registration checks, if any, judge it from now on instead of `health:`.
    public func register(service name: String, endpoint: Endpoint, policy: ServicePolicy? = nil, now: Double) -> Output {
        add(service: name, endpoint: endpoint, policy: policy, keeping: .none, now: now)
        return finish()
    }

    /// `hold`: an operator's drain or kill the endpoint keeps from an earlier registration.
    func add(service name: String, endpoint: Endpoint, policy: ServicePolicy? = nil, keeping hold: EndpointRuntime.Hold, now: Double) {
        var endpoint = endpoint
        let s: Int
        if let existing = serviceIndex(name) {
            s = existing
        } else {
            let p = policy ?? ServicePolicy()
            services.append(ServiceRuntime(name: name, policy: p))
            s = services.count - 1
        }
        var runtime = EndpointRuntime(service: name, endpoint: endpoint.id, health: services[s].policy.health)
        runtime.hold = hold
        var checks: [CheckRuntime] = []
        if let registered = endpoint.registration?.checks, !registered.isEmpty {
            checks = registered.map { CheckRuntime($0, now: now) }
            runtime.checksVerdict = EndpointRuntime.verdict(of: checks)
            for check in checks {
                if let until = check.ttlUntil { checkDeadline = min(checkDeadline, until) }
                if let since = check.criticalSince, let after = check.reapAfter { checkDeadline = min(checkDeadline, since + after) }
            }
        }
        endpoint.state = runtime.shownState
        endpoint.since = now
        let slot: Int32
        let existing = self.slot(s, of: endpoint.id)
        if let existing {
            slot = existing
            services[s].slots[Int(slot)] = runtime
        } else {
            slot = Int32(services[s].slots.count)
            services[s].slots.append(runtime)
            services[s].outlier?.add(slot: slot)
        }
        services[s].checks[slot] = checks.isEmpty ? nil : checks
        emit(.registry(RegistryChange(action: .registered, service: name, endpoint: endpoint)), at: now)
        // Now that the state lists it, where the table reads its ID.
        if existing == nil { setSlot(s, slot, for: endpoint.id) }
        let target = EndpointSlot(ref: EndpointRef(service: name, endpoint: endpoint.id), service: s, slot: slot)
        effect(.attach(target))
        // Registered again while killed: it stays killed, and unchecked.
        if hold == .killed { effect(.pauseChecks(target)) }
        replan(s, now: now)
    }

    /// An endpoint another instance of a shared mesh owns (its mesh.yaml's or a registration it
    /// took), as that instance last wrote it: added, or replaced whole. The operator's hold on
    /// it here stays: the operator's word travels on its own, and a copy written again (the
    /// owner restarted, its lease was renewed) is not a restore.
    public func mirror(service name: String, endpoint: Endpoint, now: Double) -> Output {
        var endpoint = endpoint
        let ref = EndpointRef(service: name, endpoint: endpoint.id)
        var hold = EndpointRuntime.Hold.none
        if let (s, slot) = locate(ref), let runtime = services[s].slots[Int(slot)] {
            hold = runtime.hold
            if hold != .none { endpoint.maintenance = state.endpoint(ref)?.maintenance }
        }
        add(service: name, endpoint: endpoint, keeping: hold, now: now)
        return finish()
    }

    /// Removes an endpoint; its slot stays empty so other slots keep their numbers.
    public func deregister(_ ref: EndpointRef, reason: String? = nil, now: Double) throws(OperatorError) -> Output {
        guard locate(ref) != nil, state.endpoint(ref) != nil else { throw OperatorError.unknownEndpoint(ref) }
        remove(ref, reason: reason, now: now)
        return finish()
    }

    func remove(_ ref: EndpointRef, reason: String? = nil, now: Double) {
        guard let (s, slot) = locate(ref), let endpoint = state.endpoint(ref) else { return }
        // While the state still lists it, where the table reads its ID.
        setSlot(s, nil, for: ref.endpoint)
        emit(.registry(RegistryChange(action: .deregistered, service: ref.service, endpoint: endpoint, reason: reason)), at: now)
        effect(.detach(EndpointSlot(ref: ref, service: s, slot: slot)))
        services[s].slots[Int(slot)] = nil
        services[s].checks[slot] = nil
        services[s].removed.insert(slot, at: services[s].removed.firstIndex { $0 > slot } ?? services[s].removed.count)
        services[s].outlier?.remove(slot: slot)
        replan(s, now: now)
    }

    /// A command of the registry API, applied whole or refused with nothing changed.
    public func apply(_ command: RegistryCommand, now: Double) throws(OperatorError) -> Output {
        try carryOut(command, now: now)
        return finish()
    }

    private func carryOut(_ command: RegistryCommand, now: Double) throws(OperatorError) {
        switch command {
        case .register(let service, let endpoint, let replaceChecks):
            try registerInstance(endpoint, in: service, replaceChecks: replaceChecks, now: now)
        case .deregister(let id):
            guard let ref = state.ref(consulID: id), let endpoint = state.endpoint(ref) else { throw .unknownID(id) }
            guard endpoint.registration != nil else { throw .configured(id: id, ref) }
            remove(ref, now: now)
        case .updateCheck(let id, let status, let output):
            guard let (ref, check) = state.check(id) else { throw .unknownCheck(id) }
            guard check.kind == .ttl else { throw .notTTL(id) }
            guard let (s, slot) = locate(ref),
                  let c = state.endpoint(ref)?.registration?.checks.firstIndex(where: { $0.id == id }) else { throw .unknownCheck(id) }
            report(service: s, slot: slot, check: c, status: status, output: output, now: now)
        case .deregisterCheck(let id):
            try removeCheck(id, now: now)
        case .nodeMaintenance(let enable, let reason):
            try nodeMaintenance(enable, reason: reason, now: now)
        case .maintenance(let id, let enable, let reason):
            guard let ref = state.ref(consulID: id), let (s, slot) = locate(ref),
                  let runtime = services[s].slots[Int(slot)] else { throw .unknownID(id) }
            // As Consul's: enabling twice, or disabling what is not in maintenance, changes nothing.
            // Node maintenance is not the service's: its endpoints stay out until it ends, and one
            // put in maintenance of its own meanwhile stays out after.
            if var node = state.nodeMaintenance, let i = node.drained.firstIndex(of: ref) {
                guard enable else { return }
                node.drained.remove(at: i)
                emit(.node(node), at: now)
                return
            }
            if enable {
                guard runtime.hold == .none else { return }
                try carryOut(OperatorCommand(action: .drain, target: ref, by: "consul", reason: reason), now: now)
            } else {
                switch runtime.hold {
                case .none: return
                case .killed: throw .notApplicable(ref, .killed, "end maintenance of")
                case .draining, .drained: try carryOut(OperatorCommand(action: .restore, target: ref, by: "consul"), now: now)
                }
            }
        }
    }

    /// Consul's `EnableNodeMaintenance` and `DisableNodeMaintenance` (`agent/agent.go`), as
    /// drains of the node's endpoints: those without a hold when it begins, restored when it
    /// ends unless the operator has restored, drained or killed them since.
    private func nodeMaintenance(_ enable: Bool, reason: String, now: Double) throws(OperatorError) {
        if enable {
            guard state.nodeMaintenance == nil else { return }
            var free: [EndpointRef] = []
            for (_, ref) in state.consulIDs() {
                if let (s, slot) = locate(ref), services[s].slots[Int(slot)]?.hold == EndpointRuntime.Hold.none { free.append(ref) }
            }
            emit(.node(NodeChange(maintenance: reason, drained: free)), at: now)
            for ref in free { try carryOut(OperatorCommand(action: .drain, target: ref, by: "consul", reason: reason), now: now) }
        } else {
            guard let node = state.nodeMaintenance else { return }
            emit(.node(NodeChange(maintenance: nil)), at: now)
            for ref in node.drained {
                guard let (s, slot) = locate(ref), let runtime = services[s].slots[Int(slot)],
                      runtime.hold != .killed, runtime.hold != .none,
                      state.endpoint(ref)?.maintenance == node.maintenance else { continue }
                try carryOut(OperatorCommand(action: .restore, target: ref, by: "consul"), now: now)
            }
        }
    }

    /// An endpoint registered during node maintenance is out with the others.
    private func joinNodeMaintenance(_ ref: EndpointRef, now: Double) throws(OperatorError) {
        guard var node = state.nodeMaintenance, let reason = node.maintenance, let (s, slot) = locate(ref),
              services[s].slots[Int(slot)]?.hold == EndpointRuntime.Hold.none else { return }
        if !node.drained.contains(ref) { node.drained.append(ref) }
        emit(.node(node), at: now)
        try carryOut(OperatorCommand(action: .drain, target: ref, by: "consul", reason: reason), now: now)
    }

    /// Consul's `RemoveCheck` (`agent/agent.go`) for a check of a registered instance: the
    /// instance is added again without it, keeping its hold and its other checks as they run
    /// (their counters, TTL deadlines and critical-since times).
    private func removeCheck(_ id: String, now: Double) throws(OperatorError) {
        guard let (ref, _) = state.check(id), var endpoint = state.endpoint(ref), var registration = endpoint.registration,
              let (s, slot) = locate(ref), let runtime = services[s].slots[Int(slot)] else { throw .unknownCheck(id) }
        var kept: [String: CheckRuntime] = [:]
        for (check, running) in zip(registration.checks, services[s].checks[slot] ?? []) { kept[check.id] = running }
        registration.checks.removeAll { $0.id == id }
        endpoint.registration = registration
        add(service: ref.service, endpoint: endpoint, keeping: runtime.hold, now: now)
        guard let (s, slot) = locate(ref) else { return }
        for (c, check) in registration.checks.enumerated() {
            if let running = kept[check.id] { services[s].checks[slot]?[c] = running }
        }
    }

    /// Consul's agent keys instances by ID alone (`agent/local/state.go`): an ID registered
    /// again replaces the instance, under another service too, keeps the status of checks that
    /// keep their ID (`addServiceInternal` restores them from its snapshot) and, unless
    /// `replaceChecks`, the checks it does not name: maintenance (a drain) among them, as a
    /// kill. IDs of configured endpoints are not the API's to take.
    private func registerInstance(_ endpoint: Endpoint, in name: String, replaceChecks: Bool, now: Double) throws(OperatorError) {
        var endpoint = endpoint
        var registration = endpoint.registration ?? Registration()
        var replaced: Endpoint?
        var hold = EndpointRuntime.Hold.none
        for (id, ref) in state.consulIDs() where id == endpoint.id || ref.endpoint == endpoint.id {
            guard let existing = state.endpoint(ref), existing.registration != nil else {
                throw .configured(id: endpoint.id, ref)
            }
            replaced = existing
            if !replaceChecks, let (s, slot) = locate(ref), let runtime = services[s].slots[Int(slot)] { hold = runtime.hold }
        }
        for check in registration.checks {
            if let (ref, _) = state.check(check.id), ref.endpoint != endpoint.id {
                throw .badRegistration("CheckID '\(check.id)' is already a check of \(ref) (check IDs name one check across the agent)")
            }
        }
        if let old = replaced?.registration {
            for c in registration.checks.indices {
                guard let before = old.check(registration.checks[c].id) else { continue }
                registration.checks[c].status = before.status
                registration.checks[c].output = before.output
            }
            if !replaceChecks {
                registration.checks += old.checks.filter { registration.check($0.id) == nil }
            }
        }
        endpoint.registration = registration
        if hold != .none { endpoint.maintenance = replaced?.maintenance }
        // The same ID under another service: that instance moves here.
        for (id, ref) in state.consulIDs() where id == endpoint.id && ref.service != name {
            remove(ref, reason: "registered again as \(name)/\(endpoint.id)", now: now)
        }
        add(service: name, endpoint: endpoint, keeping: hold, now: now)
        try joinNodeMaintenance(EndpointRef(service: name, endpoint: endpoint.id), now: now)
    }
}
