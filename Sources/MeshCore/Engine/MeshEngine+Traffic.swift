/// Who gets traffic: re-plans a service after any change, publishes its new host set as an
/// effect, and turns changes of plan into `failover` and `panic` events.
extension MeshEngine {
    /// Plans service `s` again. `changed`: only that endpoint's state, weight or ramp changed
    /// since the last plan, which is then patched (`TrafficPlanner.patch`) where it can be,
    /// instead of planned whole.
    func replan(_ s: Int, now: Double, changed: Int32? = nil) {
        let planner = TrafficPlanner(policy: services[s].policy)
        let warming = now < services[s].warmUntil
        let previous = services[s].plan
        var patched: (plan: TrafficPlan, hostsChanged: Bool)?
        if replansIncrementally, let changed, let previous, var basis = services[s].basis,
           let candidate = candidate(s, changed) {
            services[s].basis = nil  // so that the patch mutates the basis in place
            patched = planner.patch(previous, basis: &basis, changed: candidate, now: now, warming: warming)
            if patched != nil { services[s].basis = basis }
        }
        let plan: TrafficPlan, hostsChanged: Bool
        if let patched {
            plan = patched.plan
            hostsChanged = patched.hostsChanged
        } else {
            let candidates = self.candidates(s)
            plan = planner.plan(candidates, now: now, warming: warming)
            hostsChanged = previous?.hosts != plan.hosts
            services[s].basis = planner.basis(of: candidates, plan: plan, warming: warming, slots: services[s].slots.count)
        }
        services[s].plan = plan
        services[s].replanAt = warming ? min(plan.nextChange ?? .infinity, services[s].warmUntil) : plan.nextChange
        if hostsChanged { effect(.publish(service: s, hosts: plan.hosts)) }
        announce(s, from: previous, to: plan, now: now)
    }

    /// Every endpoint of service `s` as the planner sees it, in the state's order.
    func candidates(_ s: Int) -> [TrafficPlanner.Candidate] {
        let service = state.services[s]
        var candidates: [TrafficPlanner.Candidate] = []
        candidates.reserveCapacity(service.endpoints.count)
        // The state lists the endpoints in slot order: side by side with the live slots.
        var i = 0
        for (slot, runtime) in services[s].slots.enumerated() {
            guard let runtime, i < service.endpoints.count else { continue }
            let endpoint = service.endpoints[i]
            i += 1
            candidates.append(TrafficPlanner.Candidate(
                slot: Int32(slot), state: endpoint.state, zone: endpoint.zone, weight: endpoint.routingWeight,
                key: runtime.key, eligibleSince: runtime.eligibleSince))
        }
        return candidates
    }

    /// The endpoint in `slot` as the planner sees it.
    private func candidate(_ s: Int, _ slot: Int32) -> TrafficPlanner.Candidate? {
        guard let runtime = services[s].slots[Int(slot)], let e = index(s, slot) else { return nil }
        let endpoints = state.services[s].endpoints
        return TrafficPlanner.Candidate(slot: slot, state: endpoints[e].state, zone: endpoints[e].zone,
                                        weight: endpoints[e].routingWeight, key: runtime.key, eligibleSince: runtime.eligibleSince)
    }

    /// A failover event when the zones taking traffic change, and when, among the same zones,
    /// a zone's share of the traffic has moved by `materialSpill` or more since the last
    /// failover event (a zone at 10% spill losing more endpoints and spilling 60% is news;
    /// one at 10% going to 12% is not).
    private func announce(_ s: Int, from old: TrafficPlan?, to new: TrafficPlan, now: Double) {
        let name = services[s].name
        let wasPanic = old?.panic ?? false
        if new.panic != wasPanic {
            emit(.panic(PanicChange(service: name, active: new.panic, healthy: new.healthyPercent)), at: now)
        }
        // Zones only fail over where the service has a zone preference.
        guard !services[s].policy.zones.isEmpty else { return }
        let before = old.map(zoneLabel) ?? services[s].policy.zones.first ?? ""
        let after = zoneLabel(new)
        let shares = Dictionary(new.zones.map { ($0.name, $0.share) }, uniquingKeysWith: +)
        defer { if services[s].announcedShares == nil { services[s].announcedShares = shares } }
        guard !after.isEmpty else { return }
        if before == after {
            guard !new.panic, !wasPanic, let announced = services[s].announcedShares,
                  let primary = new.zones.first(where: { $0.share > 0 }) else { return }
            let moved = shares.map { abs($0.value - (announced[$0.key] ?? 0)) }.max() ?? 0
            guard moved >= Self.materialSpill else { return }
            let was = 1 - (announced[primary.name] ?? 1), spill = 1 - primary.share
            let verb = spill > was ? "degraded" : "recovering"
            emit(.failover(Failover(service: name, from: before, to: after,
                                    reason: "zone \(primary.name) \(verb): \(Self.percent(spill)) spills over (was \(Self.percent(was)))")),
                 at: now)
            services[s].announcedShares = shares
            return
        }
        let reason: String
        if after == services[s].policy.zones.first {
            reason = "zone \(after) healthy again"
        } else if let primary = new.zones.first, primary.share > 0, primary.share < 1, new.zones.count > 1 {
            reason = "zone \(primary.name) degraded: \(Self.percent(1 - primary.share)) spills over"
        } else {
            reason = "zone \(before.split(separator: "+").first.map(String.init) ?? before) has no healthy endpoint"
        }
        emit(.failover(Failover(service: name, from: before, to: after, reason: reason)), at: now)
        services[s].announcedShares = shares
    }

    /// A change of a zone's share of the traffic worth a failover event, as a fraction.
    static let materialSpill = 0.1

    private static func percent(_ fraction: Double) -> String { "\(Int((fraction * 100).rounded()))%" }

    /// `a`, `a+b`: the zones taking traffic, in preference order.
    private func zoneLabel(_ plan: TrafficPlan) -> String {
        plan.zones.filter { $0.share > 0 }.map(\.name).joined(separator: "+")
    }
}
