/// One endpoint's change applied to the plan in place of a new plan: the counts behind the plan
/// (`Basis`) move by that endpoint alone, and its host is placed, replaced or removed by binary
/// search in its group (groups list hosts in slot order). Everything else about the plan is
/// from counts per zone. Bringing up a service of n endpoints one check at a time was n plans
/// of n endpoints, O(n²); patched, each check costs O(log n) and a copy of one group's hosts.
///
/// A patch gives exactly the plan `plan(_:now:warming:)` would (the engine's tests hold it to
/// that), or nil where it cannot: when panic, stand-in or a zone's warming flips, when the zones
/// taking traffic change, or while slow start ramps a planned host (then every host's weight
/// moves with time). Those are rare, and the caller plans whole.
extension TrafficPlanner {
    /// How an endpoint counts: out of rotation (draining, drained, killed, or weight 0), or
    /// routable and healthy, unknown or anything else.
    enum Standing: UInt8 { case out, healthy, unknown, other }

    /// Routable endpoints by standing, in a zone or a service.
    struct Tally: Equatable {
        var healthy = 0, unknown = 0, other = 0

        mutating func add(_ standing: Standing, _ n: Int) {
            switch standing {
            case .out: break
            case .healthy: healthy += n
            case .unknown: unknown += n
            case .other: other += n
            }
        }
    }

    /// What a plan was made from, kept beside it: each slot's standing, the tallies, and in
    /// panic each zone's sum of host weights.
    struct Basis {
        var standings: [Standing]
        var zones: [String: Tally]
        var total: Tally
        var standIn: Bool
        var warming: Bool
        var panicWeights: [String: Double]
        var panicWeight: Double
    }

    static func standing(_ c: Candidate) -> Standing {
        guard isRoutable(c) else { return .out }
        switch c.state {
        case .healthy: return .healthy
        case .unknown: return .unknown
        default: return .other
        }
    }

    /// The basis of `plan`, made from `candidates` (nil unless they are in increasing slot order,
    /// as the engine lists them, for the binary search).
    func basis(of candidates: [Candidate], plan: TrafficPlan, warming: Bool, slots: Int) -> Basis? {
        var basis = Basis(standings: Array(repeating: .out, count: slots), zones: [:], total: Tally(), standIn: false,
                          warming: warming, panicWeights: [:], panicWeight: 0)
        var last: Int32 = -1, host = 0
        let hosts = plan.hosts.groups.first?.hosts ?? []
        for c in candidates {
            guard c.slot > last, Int(c.slot) < slots else { return nil }
            last = c.slot
            let standing = Self.standing(c)
            basis.standings[Int(c.slot)] = standing
            basis.zones[c.zone, default: Tally()].add(standing, 1)
            basis.total.add(standing, 1)
            if plan.panic && standing != .out {
                let weight = Double(hosts[host].weight)
                basis.panicWeights[c.zone, default: 0] += weight
                basis.panicWeight += weight
                host += 1
            }
        }
        basis.standIn = basis.total.healthy == 0
        return basis
    }

    /// `plan` with `changed` (same slot and zone as the basis saw, new state, weight or ramp) in
    /// the place of what it was, and whether the hosts changed; nil: plan whole (see above).
    func patch(_ plan: TrafficPlan, basis: inout Basis, changed c: Candidate, now: Double, warming: Bool)
        -> (plan: TrafficPlan, hostsChanged: Bool)? {
        let slot = Int(c.slot)
        guard warming == basis.warming, plan.nextChange == nil, slot < basis.standings.count else { return nil }
        let was = basis.standings[slot], standing = Self.standing(c)
        let before = basis.zones[c.zone] ?? Tally()
        var after = before
        after.add(was, -1); after.add(standing, 1)
        var total = basis.total
        total.add(was, -1); total.add(standing, 1)

        let standIn = total.healthy == 0
        let healthy = standIn ? total.unknown : total.healthy
        let counted = total.healthy + total.other + (standIn ? total.unknown : 0)
        let healthyPercent = counted == 0 ? 0 : Double(healthy) * 100 / Double(counted)
        let panic = counted > 0 && healthyPercent < policy.panicThreshold
        func unchecked(_ t: Tally) -> Bool { warming && !standIn && t.unknown > 0 && t.healthy + t.other == 0 }
        guard standIn == basis.standIn, panic == plan.panic, unchecked(before) == unchecked(after) else { return nil }
        let standsIn = standIn || unchecked(after)
        func isUp(_ s: Standing) -> Bool { s == .healthy || s == .unknown && standsIn }

        var zones = plan.zones
        if let z = zones.firstIndex(where: { $0.name == c.zone }) {
            zones[z].total = after.healthy + after.other + (standsIn ? after.unknown : 0)
            zones[z].healthy = after.healthy + (standsIn ? after.unknown : 0)
        }
        let newHost = host(c, now: now)
        var groups = plan.hosts.groups
        var hostsChanged = false
        let planned: Bool
        if panic {
            for z in zones.indices { zones[z].share = 0 }
            guard let (hosts, old) = Self.place(newHost, standing != .out, was != .out, in: groups.first?.hosts ?? []) else { return nil }
            let delta = (standing != .out ? Double(newHost.weight) : 0) - Double(old?.weight ?? 0)
            basis.panicWeights[c.zone, default: 0] += delta
            basis.panicWeight += delta
            if basis.panicWeight > 0 {
                for z in zones.indices { zones[z].share = (basis.panicWeights[zones[z].name] ?? 0) / basis.panicWeight }
            }
            hostsChanged = old != (standing != .out ? newHost : nil)
            groups = [HostSet.Group(zone: nil, share: 1, hosts: hosts)]
            planned = standing != .out
        } else if zones.isEmpty {
            guard let (hosts, old) = Self.place(newHost, isUp(standing), isUp(was), in: groups.first?.hosts ?? []) else { return nil }
            hostsChanged = old != (isUp(standing) ? newHost : nil)
            groups = [HostSet.Group(zone: nil, share: 1, hosts: hosts)]
            planned = isUp(standing)
        } else {
            spill(&zones)
            guard zones.map({ $0.share > 0 }) == plan.zones.map({ $0.share > 0 }) else { return nil }
            let inUse = zones.filter { $0.share > 0 }
            guard inUse.count == groups.count else { return nil }
            planned = isUp(standing) && inUse.contains { $0.name == c.zone }
            for g in groups.indices {
                guard groups[g].zone == inUse[g].name else { return nil }
                if groups[g].share != inUse[g].share { groups[g].share = inUse[g].share; hostsChanged = true }
                guard groups[g].zone == c.zone else { continue }
                guard let (hosts, old) = Self.place(newHost, isUp(standing), isUp(was), in: groups[g].hosts) else { return nil }
                if old != (isUp(standing) ? newHost : nil) { hostsChanged = true }
                groups[g].hosts = hosts
            }
        }
        basis.standings[slot] = standing
        basis.zones[c.zone] = after
        basis.total = total
        let hosts = HostSet(groups: groups)
        return (TrafficPlan(hosts: hosts, panic: panic, healthyPercent: healthyPercent, zones: zones,
                            primaryZone: panic || plan.zones.isEmpty ? nil : hosts.groups.first?.zone,
                            nextChange: planned ? nextChange(CollectionOfOne(c), now: now) : nil),
                hostsChanged)
    }

    /// `hosts` (in slot order) with `host` in, or out of, its slot's place; the host that was
    /// there. nil when `wasIn` does not match what is there (the basis is not this plan's).
    private static func place(_ host: HostSet.Host, _ isIn: Bool, _ wasIn: Bool, in hosts: [HostSet.Host])
        -> ([HostSet.Host], HostSet.Host?)? {
        var low = 0, high = hosts.count
        while low < high {
            let mid = (low + high) / 2
            if hosts[mid].slot < host.slot { low = mid + 1 } else { high = mid }
        }
        let found = low < hosts.count && hosts[low].slot == host.slot
        guard found == wasIn else { return nil }
        let old = found ? hosts[low] : nil
        if old == (isIn ? host : nil) { return (hosts, old) }
        // A new array of exactly the hosts: the plan (and the balancers it is published to)
        // keeps it, and an insertion into the shared one would copy it with room to grow, up
        // to twice its size (24 B a host).
        var placed: [HostSet.Host] = []
        placed.reserveCapacity(hosts.count + (isIn && !found ? 1 : 0))
        placed.append(contentsOf: hosts[..<low])
        if isIn { placed.append(host) }
        placed.append(contentsOf: hosts[(found ? low + 1 : low)...])
        return (placed, old)
    }
}
