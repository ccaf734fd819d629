/// Operator actions and registrations: the keyboard, the admin API and scenarios all come here.
extension MeshEngine {
    /// Applies an operator command, or says in one line why not (and changes nothing).
    public func operate(_ command: OperatorCommand, now: Double) throws(OperatorError) {
        guard let (s, slot) = locate(command.target), let runtime = services[s].slots[Int(slot)] else {
            throw OperatorError.unknownEndpoint(command.target)
        }
        let shown = runtime.shownState
        switch command.action {
        case .drain:
            guard runtime.hold == .none else { throw OperatorError.notApplicable(command.target, shown, "drain") }
            emit(.operatorCommand(command), at: now)
            services[s].slots[Int(slot)]?.hold = .draining(since: now)
            refresh(s, slot, reason: "operator drain by \(command.by)", now: now)
        case .kill:
            guard runtime.hold != .killed else { throw OperatorError.notApplicable(command.target, shown, "kill") }
            emit(.operatorCommand(command), at: now)
            services[s].slots[Int(slot)]?.hold = .killed
            refresh(s, slot, reason: "operator kill by \(command.by)", now: now)
        case .restore:
            guard runtime.hold != .none || runtime.ejectedUntil != nil else {
                throw OperatorError.notApplicable(command.target, shown, "restore")
            }
            emit(.operatorCommand(command), at: now)
            // A killed endpoint comes back unchecked; a drained one was checked all along.
            if runtime.hold == .killed { services[s].slots[Int(slot)]?.health.reset() }
            services[s].slots[Int(slot)]?.hold = .none
            services[s].slots[Int(slot)]?.ejectedUntil = nil
            services[s].outlier?.reset(slot: slot)
            refresh(s, slot, reason: "operator restore by \(command.by)", now: now)
        case .weight:
            guard let weight = command.weight, Endpoint.weightRange.contains(weight) else {
                throw OperatorError.badWeight(command.weight)
            }
            emit(.operatorCommand(command), at: now)
            replan(s, now: now)
        }
    }

    /// Adds (or replaces) an endpoint of a service, creating the service if needed.
    public func register(service name: String, endpoint: Endpoint, policy: ServicePolicy? = nil, now: Double) {
        var endpoint = endpoint
        let s: Int
        if let existing = serviceIndex(name) {
            s = existing
        } else {
            let p = policy ?? ServicePolicy()
            services.append(ServiceRuntime(name: name, policy: p))
            s = services.count - 1
        }
        let runtime = EndpointRuntime(service: name, endpoint: endpoint.id, health: services[s].policy.health)
        endpoint.state = runtime.shownState
        endpoint.since = now
        if let slot = services[s].slotByID[endpoint.id] {
            services[s].slots[Int(slot)] = runtime
        } else {
            let slot = Int32(services[s].slots.count)
            services[s].slotByID[endpoint.id] = slot
            services[s].slots.append(runtime)
            services[s].outlier?.add(slot: slot)
        }
        emit(.registry(RegistryChange(action: .registered, service: name, endpoint: endpoint)), at: now)
        replan(s, now: now)
    }

    /// Removes an endpoint; its slot stays empty so other slots keep their numbers.
    public func deregister(_ ref: EndpointRef, now: Double) throws(OperatorError) {
        guard let (s, slot) = locate(ref), let endpoint = state.endpoint(ref) else {
            throw OperatorError.unknownEndpoint(ref)
        }
        services[s].slots[Int(slot)] = nil
        services[s].slotByID[ref.endpoint] = nil
        services[s].outlier?.remove(slot: slot)
        emit(.registry(RegistryChange(action: .deregistered, service: ref.service, endpoint: endpoint)), at: now)
        replan(s, now: now)
    }
}
