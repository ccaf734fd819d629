/// Decides which of a service's endpoints receive traffic and in what proportion, with Envoy's
/// semantics for health, zone failover, panic and slow start. A pure function of its inputs and
/// `now`: the engine runs it whenever state, weight or membership changes, and at `nextChange`.
///
/// Which endpoints count:
/// - Routable: not draining, drained or killed, and weight > 0. Others get no traffic and are
///   left out of every percentage (weight 0 is an operator's soft drain, so it is treated alike).
/// - Up: `healthy`. When the whole service has no healthy endpoint, `unknown` ones stand in
///   for healthy (a rule of the service, not of each zone): a fresh mesh serves before its
///   first checks without a panic.
/// - Counted, the base of every percentage: routable endpoints except `unknown` ones while they
///   do not stand in, so registering new endpoints neither dilutes a zone into spilling nor
///   trips panic before they are even checked.
/// - Warming (the first round of checks after start, as Envoy warms a cluster): a zone none of
///   whose routable endpoints has been checked yet keeps its place, its `unknown` endpoints
///   standing in, so the first zone to hear a pass does not pull all traffic to itself and
///   back again a moment later.
///
/// Panic: below `panicThreshold` percent healthy over the whole service (strictly below, as
/// Envoy's `healthy_panic_threshold` says), every routable endpoint, whatever its health, takes
/// traffic in one group. 0 disables it. A service with nothing counted is not in panic.
///
/// Zones (when `policy.zones` is not empty): listed zones in order, then zones not listed, by
/// name, so that a stray endpoint still serves as a last resort. Each zone's health is
/// `min(100, 1.4 × healthy%)`; the first zone takes its health in percent of the traffic, the
/// rest spills to the next, and so on. When the healths sum below 100 the loads are
/// normalised so that the zones still take all traffic in proportion.
///
/// Slow start (Envoy's slow start mode with aggression 1 and `min_weight_percent` 10): effective
/// weight = `weight × clamp((now − eligibleSince) / slowStart, 0.1, 1)`, times `weightScale` so
/// the 10% floor and the ramp survive rounding to `UInt32`. Every balancer that weighs hosts
/// takes it (round-robin through `HostSet.Host.slowStart`, as Envoy's round-robin and
/// least-request do); ring-hash and Maglev do not, as in Envoy: each step of a ramp would move
/// keys, so an endpoint takes its keys back at once (`mesh-top validate` says so).
public struct TrafficPlanner: Sendable, Equatable {
    /// One endpoint as the planner sees it.
    public struct Candidate: Sendable, Equatable {
        /// Stable slot in the service, carried into `HostSet.Host`.
        public var slot: Int32
        public var state: EndpointState
        public var zone: String
        /// Operator weight, 0...10 000.
        public var weight: Int
        /// `StableHash.hash("SERVICE/ENDPOINT")`, carried into `HostSet.Host`.
        public var key: UInt64
        /// Mesh time the endpoint last became able to take traffic (registered, came back
        /// healthy, unejected, restored): where its slow-start ramp starts.
        public var eligibleSince: Double

        public init(slot: Int32, state: EndpointState, zone: String = "", weight: Int = Endpoint.defaultWeight,
                    key: UInt64 = 0, eligibleSince: Double = -.infinity) {
            self.slot = slot; self.state = state; self.zone = zone; self.weight = weight
            self.key = key; self.eligibleSince = eligibleSince
        }
    }

    /// Envoy's overprovisioning factor 1.4, in percent so that zone health is exact integer
    /// arithmetic: a zone 100/140 ≈ 71.4% healthy still takes all its traffic.
    public static let overprovisioningPercent = 140
    /// Host weights are operator weights times this, so a weight of 1 at the 10% floor is 10.
    public static let weightScale = 100.0
    /// Slow start never gives less than this fraction of the weight.
    public static let slowStartFloor = 0.1
    /// Replanning happens at each tenth of the ramp, and at its end.
    static let rampSteps = 10.0

    /// Panic threshold, zone order and slow start come from here.
    public var policy: ServicePolicy

    public init(policy: ServicePolicy) { self.policy = policy }

    /// The plan for these endpoints at `now`. Group hosts keep the candidates' order.
    public func plan(_ candidates: [Candidate], now: Double, warming: Bool = false) -> TrafficPlan {
        var healthy = 0, unknown = 0, counted = 0
        for c in candidates where Self.isRoutable(c) {
            if c.state == .unknown { unknown += 1 } else { counted += 1 }
            if c.state == .healthy { healthy += 1 }
        }
        let standIn = healthy == 0
        if standIn { healthy = unknown; counted += unknown }
        let healthyPercent = counted == 0 ? 0 : Double(healthy) * 100 / Double(counted)
        let panic = counted > 0 && healthyPercent < policy.panicThreshold

        let unchecked = warming && !standIn ? uncheckedZones(candidates) : []
        func standsIn(_ c: Candidate) -> Bool { c.state == .unknown && (standIn || unchecked.contains(c.zone)) }
        func isUp(_ c: Candidate) -> Bool { Self.isRoutable(c) && (c.state == .healthy || standsIn(c)) }
        func isCounted(_ c: Candidate) -> Bool { Self.isRoutable(c) && (c.state != .unknown || standsIn(c)) }

        var zones = zoneOrder(candidates).map { name in
            var zone = TrafficPlan.Zone(name: name, share: 0, healthy: 0, total: 0)
            for c in candidates where c.zone == name {
                if isCounted(c) { zone.total += 1 }
                if isUp(c) { zone.healthy += 1 }
            }
            return zone
        }

        var groups: [HostSet.Group]
        var primaryZone: String? = nil
        if panic {
            let hosts = candidates.filter(Self.isRoutable).map { host($0, now: now) }
            groups = [HostSet.Group(zone: nil, share: 1, hosts: hosts)]
            shareByWeight(&zones, candidates: candidates, hosts: hosts)
        } else if zones.isEmpty {
            groups = [HostSet.Group(zone: nil, share: 1, hosts: candidates.filter(isUp).map { host($0, now: now) })]
        } else {
            spill(&zones)
            groups = zones.filter { $0.share > 0 }.map { zone in
                HostSet.Group(zone: zone.name, share: zone.share,
                              hosts: candidates.filter { $0.zone == zone.name && isUp($0) }.map { host($0, now: now) })
            }
            primaryZone = groups.first?.zone
        }
        let inUse = Set(groups.compactMap(\.zone))
        let ramping = candidates.lazy.filter { panic ? Self.isRoutable($0) : isUp($0) && (zones.isEmpty || inUse.contains($0.zone)) }
        return TrafficPlan(hosts: HostSet(groups: groups), panic: panic, healthyPercent: healthyPercent, zones: zones,
                           primaryZone: primaryZone, nextChange: nextChange(ramping, now: now))
    }

    /// The weight a candidate's host gets at `now`: scaled, slow start applied, at least 1.
    public func effectiveWeight(of c: Candidate, now: Double) -> UInt32 {
        let weight = (Double(c.weight) * Self.weightScale * slowStartFactor(of: c, now: now)).rounded()
        return UInt32(min(max(1, weight), Double(UInt32.max)))
    }

    /// Slow start's factor at `now`, in 0.1...1; 1 without slow start or for hashing balancers.
    public func slowStartFactor(of c: Candidate, now: Double) -> Double {
        guard let ramp = policy.slowStart, ramp > 0, !policy.balancer.isHashing else { return 1 }
        return min(1, max(Self.slowStartFloor, (now - c.eligibleSince) / ramp))
    }

    // MARK: Parts (`plan` and `patch` share them)

    static func isRoutable(_ c: Candidate) -> Bool { !c.state.isAdministrative && c.weight > 0 }

    func host(_ c: Candidate, now: Double) -> HostSet.Host {
        HostSet.Host(slot: c.slot, weight: effectiveWeight(of: c, now: now), key: c.key,
                     slowStart: slowStartFactor(of: c, now: now))
    }

    /// Zones with routable endpoints, none of them checked yet.
    private func uncheckedZones(_ candidates: [Candidate]) -> Set<String> {
        var unknown = Set<String>(), known = Set<String>()
        for c in candidates where Self.isRoutable(c) {
            if c.state == .unknown { unknown.insert(c.zone) } else { known.insert(c.zone) }
        }
        return unknown.subtracting(known)
    }

    /// Listed zones (first mention wins), then unlisted zones that have endpoints, by name.
    private func zoneOrder(_ candidates: [Candidate]) -> [String] {
        guard !policy.zones.isEmpty else { return [] }
        var order: [String] = []
        for zone in policy.zones where !order.contains(zone) { order.append(zone) }
        let listed = Set(order)
        order += Set(candidates.map(\.zone)).subtracting(listed).sorted()
        return order
    }

    /// Envoy's priority load: each zone takes up to its health, in order, until 100% is
    /// placed; normalised when the healths sum below 100.
    func spill(_ zones: inout [TrafficPlan.Zone]) {
        var remaining = 100.0, placed = 0.0
        for i in zones.indices {
            let zone = zones[i]
            // healthy × 140 / total is exact for the round cases (50% → 70), unlike × 1.4.
            let health = zone.total == 0 ? 0
                : min(100, Double(zone.healthy * Self.overprovisioningPercent) / Double(zone.total))
            let load = min(health, remaining)
            zones[i].share = load
            remaining -= load
            placed += load
        }
        for i in zones.indices { zones[i].share = placed > 0 ? zones[i].share / placed : 0 }
    }

    /// In panic zones no longer steer; each zone's share is its part of the total weight.
    private func shareByWeight(_ zones: inout [TrafficPlan.Zone], candidates: [Candidate], hosts: [HostSet.Host]) {
        let total = hosts.reduce(0.0) { $0 + Double($1.weight) }
        guard total > 0 else { return }
        var i = 0
        for c in candidates where Self.isRoutable(c) {
            if let z = zones.firstIndex(where: { $0.name == c.zone }) { zones[z].share += Double(hosts[i].weight) }
            i += 1
        }
        // Divided once per zone, so shares of round weights come out exact.
        for z in zones.indices { zones[z].share /= total }
    }

    /// The earliest time a planned host's slow-start weight moves to its next tenth of the
    /// ramp (the floor's end first), or its ramp ends.
    func nextChange(_ planned: some Sequence<Candidate>, now: Double) -> Double? {
        guard let ramp = policy.slowStart, ramp > 0, !policy.balancer.isHashing else { return nil }
        let step = ramp / Self.rampSteps
        var next: Double? = nil
        for c in planned where now < c.eligibleSince + ramp {
            let k = max(1, ((now - c.eligibleSince) / step).rounded(.down) + 1)
            let at = min(c.eligibleSince + ramp, c.eligibleSince + k * step)
            next = min(next ?? at, at)
        }
        return next
    }
}
