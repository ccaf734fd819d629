/// The engine: the one interpreter of what happens to the mesh (check results, request
/// outcomes, operator commands, registrations, TTLs and the passing of time). Each input
/// returns an `Output`: the events it emitted, already applied to `state` (`MeshState.apply`), and
/// the effects the data plane must carry out (a host set to publish, connections to drain or
/// reset, a process to stop or start, checks to pause). Every mode runs this same engine; only
/// the `MeshActuator` carrying out its output differs (the simulator, the live mesh), and a
/// replay needs none: its events were recorded.
///
/// Not thread-safe: one driver owns it (the session's thread, in demo and `run`).
public final class MeshEngine {
    public private(set) var state: MeshState
    var services: [ServiceRuntime]
    /// What the input under way has produced so far (`finish()` hands it back).
    var output = Output()
    /// How often a keyframe goes into the event stream, so a replay can seek cheaply.
    public var keyframeInterval: Double = 10
    private var lastKeyframe: Double = 0
    /// The alert rules judged after every sample (none until set).
    public var alertRules: [AlertRule] {
        get { alertWatch.rules }
        set { alertWatch = AlertWatch(rules: newValue) }
    }
    private var alertWatch = AlertWatch(rules: [])
    /// In a shared mesh, this instance's name: operator commands given here carry it.
    public var instance: String?
    /// The earliest moment a TTL may run out or a critical check may deregister its instance:
    /// `tick` looks at the checks only from then on.
    var checkDeadline = Double.infinity
    /// Whether a change of one endpoint patches its service's plan (`replan(_:now:changed:)`);
    /// off, every change plans the service whole, as the tests' reference.
    var replansIncrementally = true

    /// Starts from a topology (every endpoint `unknown`, or `healthy` where checks are off).
    public init(mesh: MeshState, policies: [String: ServicePolicy]) {
        state = mesh
        services = mesh.services.map { ServiceRuntime(name: $0.name, policy: policies[$0.name] ?? ServicePolicy()) }
        for s in services.indices {
            let policy = services[s].policy
            // Sized once: grown one by one, the slots would keep up to half again in spare capacity.
            services[s].slots.reserveCapacity(state.services[s].endpoints.count)
            for (i, endpoint) in state.services[s].endpoints.enumerated() {
                let runtime = EndpointRuntime(service: state.services[s].name, endpoint: endpoint.id, health: policy.health)
                services[s].slots.append(runtime)
                state.services[s].endpoints[i].state = runtime.shownState
            }
            let endpoints = state.services[s].endpoints
            services[s].slotTable.reserveCapacity(endpoints.count) { endpoints[Int($0)].id }
            for i in endpoints.indices { services[s].slotTable.set(Int32(i), for: endpoints[i].id) { endpoints[Int($0)].id } }
            state.services[s].balancer = policy.balancer
            state.services[s].zones = policy.zones
            state.services[s].healthCheck = policy.health.kind
            let count = services[s].slots.count
            services[s].outlier?.setEndpointCount(count)
        }
    }

    /// The first plans: every service's first host set.
    public func start(now: Double) -> Output {
        lastKeyframe = now
        for s in services.indices {
            let health = services[s].policy.health
            if health.kind != .none { services[s].warmUntil = now + health.interval + health.timeout }
            replan(s, now: now)
        }
        return finish()
    }

    // MARK: Naming

    public var serviceCount: Int { services.count }
    public func serviceIndex(_ name: String) -> Int? { services.firstIndex { $0.name == name } }
    public func policy(ofService s: Int) -> ServicePolicy { services[s].policy }
    public func hostSet(ofService s: Int) -> HostSet { services[s].plan?.hosts ?? .empty }

    /// (service index, slot) of an endpoint.
    public func locate(_ ref: EndpointRef) -> (service: Int, slot: Int32)? {
        guard let s = serviceIndex(ref.service), let slot = slot(s, of: ref.endpoint) else { return nil }
        return (s, slot)
    }

    /// The first endpoint whose ID is `id`, in any service (a registration ID, as Consul names them).
    public func locate(id: String) -> EndpointRef? {
        for s in services.indices where slot(s, of: id) != nil {
            return EndpointRef(service: services[s].name, endpoint: id)
        }
        return nil
    }

    public func ref(service s: Int, slot: Int32) -> EndpointRef? {
        guard let id = id(s, slot) else { return nil }
        return EndpointRef(service: services[s].name, endpoint: id)
    }

    /// The index in `state.services[s].endpoints` of the endpoint in `slot`: the state lists
    /// endpoints in slot order (both append, a registration again replaces in place, and a slot
    /// is never reused), so it is the slot less the removed slots below it. The state holds the
    /// endpoint's ID; neither its slot nor the slot table keeps a copy.
    func index(_ s: Int, _ slot: Int32) -> Int? {
        guard slot >= 0, Int(slot) < services[s].slots.count, services[s].slots[Int(slot)] != nil else { return nil }
        let i = Self.position(of: slot, removed: services[s].removed)
        return i < state.services[s].endpoints.count ? i : nil
    }

    /// `slot` less the slots in `removed` (sorted) below it.
    static func position(of slot: Int32, removed: [Int32]) -> Int {
        var low = 0, high = removed.count
        while low < high {
            let mid = (low + high) / 2
            if removed[mid] < slot { low = mid + 1 } else { high = mid }
        }
        return Int(slot) - low
    }

    /// The ID of the endpoint in `slot`.
    func id(_ s: Int, _ slot: Int32) -> String? { index(s, slot).map { state.services[s].endpoints[$0].id } }

    /// The slot of the endpoint `id` of service `s`.
    func slot(_ s: Int, of id: String) -> Int32? {
        guard services[s].slotTable.count > 0, s < state.services.count else { return nil }
        let endpoints = state.services[s].endpoints, removed = services[s].removed
        return services[s].slotTable.slot(of: id) { endpoints[Self.position(of: $0, removed: removed)].id }
    }

    /// Enters or leaves `id` in service `s`'s slot table, while the state lists it (and the
    /// rest as their slots say).
    func setSlot(_ s: Int, _ slot: Int32?, for id: String) {
        let endpoints = state.services[s].endpoints, removed = services[s].removed
        let idOf = { (slot: Int32) in endpoints[Self.position(of: slot, removed: removed)].id }
        if let slot { services[s].slotTable.set(slot, for: id, id: idOf) } else { services[s].slotTable.remove(id, id: idOf) }
    }

    /// Slots of a service's endpoints in the order the state lists them (slot order).
    public func slots(ofService s: Int) -> [Int32] {
        services[s].slots.indices.compactMap { services[s].slots[$0] == nil ? nil : Int32($0) }
    }

    // MARK: Events

    /// Applies an event to the state and adds it to the output.
    /// `position`: where the endpoint it is about is in the state, when the caller knows.
    func emit(_ body: MeshEvent.Body, at now: Double, position: (service: Int, endpoint: Int)? = nil) {
        // Microseconds are plenty, and keep recordings short and readable.
        let event = MeshEvent(seq: state.seq + 1, t: (now * 1e6).rounded() / 1e6, body: body)
        state.apply(event, at: position)
        output.events.append(event)
    }

    /// Re-derives the shown state of one endpoint and emits the change, if any. `byOperator`:
    /// an operator's command caused it (planned work, never a flap).
    func refresh(_ s: Int, _ slot: Int32, reason: String, byOperator: Bool = false, now: Double) {
        guard let runtime = services[s].slots[Int(slot)], let i = index(s, slot) else { return }
        let id = state.services[s].endpoints[i].id
        let old = state.services[s].endpoints[i].state, new = runtime.shownState
        guard old != new else { return }
        // Slow start counts from when the endpoint can take traffic, or from its first passed
        // check when it was unknown (as Envoy's starts at the host's health-check pass): a
        // newly registered endpoint ramps up instead of inheriting the mesh's start time.
        if new.isEligible && !old.isEligible || new == .healthy && old == .unknown {
            services[s].slots[Int(slot)]?.eligibleSince = now
        }
        let ref = EndpointRef(service: services[s].name, endpoint: id)
        let change = StateChange(endpoint: ref, from: old, to: new, reason: reason)
        emit(.endpointState(change), at: now, position: (s, i))
        alertWatch.noteStateChange(change, byOperator: byOperator, at: now)
        output.effects += Self.effects(from: old, to: new, of: EndpointSlot(ref: ref, service: s, slot: slot))
        replan(s, now: now, changed: slot)
    }

    /// Time passes: TTLs run out, ejections end, drains time out, slow start ramps, keyframes
    /// are written.
    public func tick(now: Double) -> Output {
        expireChecks(now: now)
        for s in services.indices {
            expireEjections(s, now: now)
            expireDrains(s, now: now)
            if let at = services[s].replanAt, now >= at { replan(s, now: now) }
        }
        if now - lastKeyframe >= keyframeInterval {
            lastKeyframe = now
            var frame = state
            frame.time = now
            // The log is in the recording already; a seek rebuilds it from there.
            frame.log = []
            emit(.keyframe(frame), at: now)
        }
        return finish()
    }

    /// The driver's per-endpoint load over the last window, as a `sample` event.
    public func recordSample(_ entries: [LoadSample.Entry], services clients: [ServiceSample]? = nil, now: Double) -> Output {
        emit(.sample(LoadSample(endpoints: entries, services: clients)), at: now)
        // A draining endpoint whose sampled load shows nothing in flight is drained.
        for s in services.indices {
            for endpoint in state.services[s].endpoints where endpoint.state == .draining && endpoint.load.active == 0 {
                guard let slot = slot(s, of: endpoint.id) else { continue }
                services[s].slots[Int(slot)]?.hold = .drained
                refresh(s, slot, reason: "drained: no requests in flight", now: now)
            }
        }
        for change in alertWatch.evaluate(state, now: now) { emit(.alert(change), at: now) }
        return finish()
    }

    /// A simulated-world or operator note for the events pane and recordings.
    public func recordFault(_ fault: Fault, now: Double) -> Output {
        emit(.fault(fault), at: now)
        return finish()
    }

    /// An instance of the shared mesh joined, left or was lost.
    public func recordInstance(_ change: InstanceChange, now: Double) -> Output {
        emit(.instance(change), at: now)
        return finish()
    }

    /// Another instance's view of an endpoint; ignored when the endpoint is not known here.
    public func recordView(_ view: ViewChange, now: Double) -> Output {
        guard let endpoint = state.endpoint(view.endpoint), endpoint.views?[view.instance] != view.state else { return finish() }
        emit(.view(view), at: now)
        return finish()
    }
}
