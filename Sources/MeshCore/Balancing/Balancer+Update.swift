/// Taking a new host set: tables rebuilt, state that must survive carried over.
extension Balancer {
    /// Takes a new host set. Per-endpoint load (active requests, latency estimates) is kept by
    /// slot, so endpoints that stay keep their numbers; an endpoint that joins (or comes back)
    /// starts unmeasured.
    ///
    /// Rotations (round-robin, weighted round-robin) keep each staying host's phase: the
    /// fraction of its period until it is due. A rotation continues where it was, a schedule's
    /// deadlines are the phases over the new weights, and a host that joins an existing
    /// rotation gets a random phase. A group none of whose hosts had a phase starts
    /// in the order of the set from a seeded position (so the balancers of several event loops
    /// do not all send their first request to the same host).
    public mutating func update(_ hosts: HostSet) {
        let highestSlot = hosts.groups.lazy.flatMap(\.hosts).map(\.slot).max() ?? -1
        let slotCount = max(Int(highestSlot) + 1, stats.count)
        stats.grow(to: slotCount)
        let phases = currentPhases(slotCount: slotCount)
        var weights = ContiguousArray<UInt32>(repeating: 0, count: slotCount)
        // Ring-hash and Maglev say each slot's share from their tables; the others from weights.
        let bySlot = hashing || hosts.groups.count >= Int(UInt16.max)
        var shares = bySlot ? ContiguousArray(repeating: 0.0, count: slotCount) : []
        var groupOfSlot = bySlot ? [] : ContiguousArray<UInt16>(repeating: .max, count: slotCount)
        var groupShares = ContiguousArray<(share: Double, weight: Double)>()
        var slowStarts: [Int32: Double] = [:]
        var pickers = ContiguousArray<GroupPicker>()
        pickers.reserveCapacity(hosts.groups.count)
        var heap = ContiguousArray<ScheduleEntry>()
        var cursors: [Int] = []
        let arena = TableArena()
        let totalShare = hosts.groups.reduce(0) { $0 + max(0, $1.share) }
        var bounds = ContiguousArray<Double>()
        var running = 0.0
        for (g, group) in hosts.groups.enumerated() {
            // Shares that do not sum to 1 are scaled; all-zero shares split traffic evenly.
            let share = totalShare > 0 ? max(0, group.share) / totalShare : 1 / Double(hosts.groups.count)
            running += share
            bounds.append(running)
            for host in group.hosts {
                let i = Int(host.slot)
                // `stats` holds the last set's weights until the loop below.
                if stats.weight(i) == 0 { stats.forgetLatency(i) }
                weights[i] = host.weight
                slowStarts[host.slot] = host.slowStart < 1 ? host.slowStart : nil
                if !bySlot { groupOfSlot[i] = UInt16(g) }
            }
            let picker = makePicker(group.hosts, phases: phases, heap: &heap, cursors: &cursors, arena: arena) { slot, fraction in
                if bySlot { shares[Int(slot)] = share * fraction }
            }
            pickers.append(picker)
            groupShares.append((share, group.hosts.reduce(0) { $0 + shareWeight($1) }))
        }
        if !bounds.isEmpty { bounds[bounds.count - 1] = 1 }
        self.hosts = hosts
        self.groups = pickers
        self.arena = arena
        self.schedule = heap
        self.firstCursor = cursors.first ?? 0
        self.otherCursors = ContiguousArray(cursors.dropFirst())
        self.shareBounds = bounds
        for i in 0..<slotCount { stats.setWeight(i, weights[i]) }
        self.shares = shares
        self.groupOfSlot = groupOfSlot
        self.groupShares = groupShares
        self.slowStarts = slowStarts
    }

    /// The weight each kind's rotation uses: round-robin ignores operator weights but ramps
    /// through slow start, as Envoy's does.
    private func rotationWeight(_ host: HostSet.Host) -> Double {
        kind == .roundRobin ? host.slowStart : Double(host.weight)
    }

    /// What a host's part of its group's share is in proportion to (the balancers that share
    /// by weight: all but ring-hash and Maglev).
    func shareWeight(_ host: HostSet.Host) -> Double {
        kind == .roundRobin || kind == .weightedRoundRobin ? rotationWeight(host) : Double(host.weight)
    }

    /// `shareWeight` of the host in `slot`, from what the balancer keeps of it.
    func shareWeight(slot: Int32) -> Double {
        kind == .roundRobin ? slowStarts[slot] ?? 1 : Double(stats.weight(Int(slot)))
    }

    private mutating func makePicker(_ hosts: [HostSet.Host], phases: [Double], heap: inout ContiguousArray<ScheduleEntry>,
                                     cursors: inout [Int], arena: TableArena,
                                     share: (Int32, Double) -> Void) -> GroupPicker {
        // Every group has a cursor, used or not, so that group g's is at g.
        cursors.append(0)
        switch kind {
        case .ringHash:
            return .ringHash(HashRing(hosts: hosts, arena: arena, share: share))
        case .maglev:
            return .maglev(MaglevTable(hosts: hosts, arena: arena, share: share))
        case .random, .p2cEWMA:
            Self.shareByWeight(hosts.map(\.slot), hosts.map { Double($0.weight) }, share)
            return kind == .random ? .random(WeightedRandomPicker(hosts: hosts, arena: arena))
                                   : .peakEWMA(PowerOfTwoChoices(hosts: hosts, arena: arena))
        case .leastRequest:
            Self.shareByWeight(hosts.map(\.slot), hosts.map { Double($0.weight) }, share)
            let uniform = hosts.allSatisfy { $0.weight == hosts[0].weight }
            return uniform ? .leastRequest(PowerOfTwoChoices(hosts: hosts, arena: arena))
                           : .weightedLeastRequest(WeightedLeastRequest(hosts: hosts, arena: arena))
        case .roundRobin, .weightedRoundRobin:
            let weights = hosts.map(rotationWeight)
            Self.shareByWeight(hosts.map(\.slot), weights, share)
            let uniform = weights.allSatisfy { $0 == weights[0] }
            let groupPhases = self.phases(of: hosts, known: phases)
            if uniform {
                // The rotation in order of phase: who was due first goes first.
                let order = hosts.indices.sorted { (groupPhases[$0], $0) < (groupPhases[$1], $1) }
                return .rotation(RoundRobinPicker(slots: order.map { hosts[$0].slot }, arena: arena))
            }
            let edf = DeadlineSchedule(offset: heap.count, count: hosts.count)
            heap.append(contentsOf: DeadlineSchedule.entries(slots: hosts.map(\.slot), weights: weights, phases: groupPhases))
            return .schedule(edf)
        }
    }

    /// Each host's phase in 0..<1: carried over, random for a newcomer to a rotation, or the
    /// set's order from a seeded start when the whole group is new.
    private mutating func phases(of hosts: [HostSet.Host], known: [Double]) -> [Double] {
        let carried = hosts.map { Int($0.slot) < known.count ? known[Int($0.slot)] : .nan }
        let count = Double(hosts.count)
        if carried.allSatisfy(\.isNaN) {
            let start = random.below(hosts.count)
            return hosts.indices.map { Double((($0 - start) % hosts.count + hosts.count) % hosts.count) / count }
        }
        return carried.map { $0.isNaN ? random.unit() : $0 }
    }

    /// Every slot's phase in the current rotations (NaN where none), before an update.
    private func currentPhases(slotCount: Int) -> [Double] {
        var phases = [Double](repeating: .nan, count: slotCount)
        for (g, picker) in groups.enumerated() {
            switch picker {
            case .rotation(let rotation):
                let n = rotation.count
                let cursor = (g == 0 ? firstCursor : otherCursors[g - 1]) % n
                for position in 0..<n {
                    phases[Int(rotation.slot(at: position))] = Double((position - cursor + n) % n) / Double(n)
                }
            case .schedule(let edf):
                let entries = schedule[edf.offset..<edf.offset + edf.count]
                let now = entries.first?.deadline ?? 0
                for entry in entries { phases[Int(entry.slot)] = min(1, (entry.deadline - now) / Double(entry.period)) }
            default:
                break
            }
        }
        return phases
    }

    private static func shareByWeight(_ slots: [Int32], _ weights: [Double], _ share: (Int32, Double) -> Void) {
        let total = weights.reduce(0, +)
        for (slot, weight) in zip(slots, weights) { share(slot, total > 0 ? weight / total : 0) }
    }
}
