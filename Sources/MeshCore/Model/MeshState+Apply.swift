/// The read model's one way in: an event becomes state here and nowhere else (the engine
/// applies each event it emits, a replay each event it reads).
extension MeshState {
    public mutating func apply(_ event: MeshEvent) { apply(event, at: nil) }

    /// `hint`: where the endpoint the event is about is, when the caller knows (`position(of:hint:)`).
    mutating func apply(_ event: MeshEvent, at hint: (service: Int, endpoint: Int)?) {
        seq = event.seq
        time = event.t
        switch event.body {
        case .endpointState(let change):
            if let (s, e) = position(of: change.endpoint, hint: hint) {
                services[s].endpoints[e].state = change.to
                services[s].endpoints[e].since = event.t
            }
        case .operatorCommand(let command):
            if let (s, e) = position(of: command.target, hint: hint) {
                switch command.action {
                case .weight: if let weight = command.weight { services[s].endpoints[e].weight = weight }
                case .drain, .kill: if let reason = command.reason { services[s].endpoints[e].maintenance = reason }
                case .restore: services[s].endpoints[e].maintenance = nil
                }
            }
        case .failover(let failover):
            if let s = services.firstIndex(where: { $0.name == failover.service }) {
                let preferred = services[s].zones.first
                services[s].failoverZone = failover.to == preferred ? nil : failover.to
            }
        case .panic(let panic):
            if let s = services.firstIndex(where: { $0.name == panic.service }) {
                services[s].panic = panic.active
            }
        case .registry(let change):
            applyRegistry(change, at: event.t)
        case .check(let change):
            if let (s, e) = position(of: change.endpoint, hint: hint),
               let c = services[s].endpoints[e].registration?.checks.firstIndex(where: { $0.id == change.check }) {
                services[s].endpoints[e].registration?.checks[c].status = change.to
                services[s].endpoints[e].registration?.checks[c].output = change.output
            }
        case .sample(let sample):
            applySample(sample)
        case .alert(let alert):
            alerts.removeAll { $0.name == alert.name && $0.subject == alert.subject }
            if alert.state == .firing {
                alerts.append(FiringAlert(name: alert.name, severity: alert.severity, subject: alert.subject,
                                          since: event.t, value: alert.value))
            }
        case .fault:
            break
        case .node(let change):
            nodeMaintenance = change.maintenance == nil ? nil : change
        case .instance(let change):
            applyInstance(change, at: event.t)
        case .view(let view):
            if let (s, e) = position(of: view.endpoint) {
                var views = services[s].endpoints[e].views ?? [:]
                views[view.instance] = view.state
                services[s].endpoints[e].views = views.isEmpty ? nil : views
            }
        case .keyframe(let frame):
            let kept = self
            self = frame
            log = kept.log
            logDropped = kept.logDropped
            keepDetail(of: kept)
        }
        if event.isNotable {
            if log.count == MeshState.logLength {
                log.removeFirst()
                logDropped += 1
            }
            log.append(event)
        }
    }

    /// Samples list endpoints in mesh order, so the next position is tried before a search:
    /// linear in the mesh size instead of quadratic.
    private mutating func applySample(_ sample: LoadSample) {
        var s = 0, e = 0
        for entry in sample.endpoints {
            if !(s < services.count && e < services[s].endpoints.count
                 && services[s].name == entry.endpoint.service && services[s].endpoints[e].id == entry.endpoint.endpoint) {
                guard let found = position(of: entry.endpoint) else { continue }
                (s, e) = found
            }
            services[s].endpoints[e].record(entry.load)
            e += 1
            if e == services[s].endpoints.count { s += 1; e = 0 }
        }
        for entry in sample.services ?? [] {
            guard let i = services.firstIndex(where: { $0.name == entry.service }) else { continue }
            services[i].traffic = entry.traffic
            services[i].picks = entry.picks
        }
    }

    /// Check marks and histograms are not in keyframes (they would multiply their size): a
    /// keyframe keeps the ones the state had for the endpoints it still has.
    private mutating func keepDetail(of previous: MeshState) {
        for s in services.indices {
            guard let p = previous.services.firstIndex(where: { $0.name == services[s].name }) else { continue }
            let old = previous.services[p].endpoints
            for e in services[s].endpoints.indices {
                let id = services[s].endpoints[e].id
                let match = e < old.count && old[e].id == id ? e : old.firstIndex { $0.id == id }
                guard let match else { continue }
                services[s].endpoints[e].checks = old[match].checks
                services[s].endpoints[e].latency = old[match].latency
            }
        }
    }

    /// An instance that leaves takes its views with it: nobody sees through it any more.
    private mutating func applyInstance(_ change: InstanceChange, at t: Double) {
        instances.removeAll { $0.name == change.instance }
        if change.action == .joined {
            instances.append(MeshInstance(name: change.instance, admin: change.admin, since: t))
            return
        }
        for s in services.indices {
            for e in services[s].endpoints.indices where services[s].endpoints[e].views?[change.instance] != nil {
                services[s].endpoints[e].views?[change.instance] = nil
                if services[s].endpoints[e].views?.isEmpty == true { services[s].endpoints[e].views = nil }
            }
        }
    }

    private mutating func applyRegistry(_ change: RegistryChange, at t: Double) {
        guard let s = services.firstIndex(where: { $0.name == change.service }) else {
            if change.action == .registered {
                services.append(Service(name: change.service, endpoints: [change.endpoint]))
            }
            return
        }
        let existing = services[s].endpoints.firstIndex { $0.id == change.endpoint.id }
        switch (change.action, existing) {
        case (.registered, let i?):
            // Registered again, it is the same endpoint to the other instances: their views stay.
            let views = services[s].endpoints[i].views
            services[s].endpoints[i] = change.endpoint
            if change.endpoint.views == nil { services[s].endpoints[i].views = views }
        case (.registered, nil): services[s].endpoints.append(change.endpoint)
        case (.deregistered, let i?): services[s].endpoints.remove(at: i)
        case (.deregistered, nil): break
        }
    }
}
