import Testing
@testable import MeshCore

/// Every balancer under random sequences of the changes a mesh goes through — hosts added and
/// removed, weights changed (to 1, 1,000 and back), sets rebuilt every few picks, a single
/// endpoint — deterministic by seed. The properties are the references' promises.
@Suite struct BalancerPropertyTests {
    /// A host set that changes: operator weights by slot, as the planner publishes them.
    struct World {
        var weights: [Int32: Int] = [:]
        var random: SeededRandom

        init(seed: UInt64) {
            random = SeededRandom(seed: seed)
            for slot in 0..<Int32(1 + random.below(8)) { weights[slot] = 100 }
        }

        var set: HostSet {
            HostSet(hosts: weights.keys.sorted().map { slot in
                HostSet.Host(slot: slot, weight: UInt32(weights[slot]!) * 100, key: StableHash.hash("web/e\(slot)"))
            })
        }

        /// One change; returns the slots it touched.
        mutating func change() -> Set<Int32> {
            let slots = weights.keys.sorted()
            switch random.below(5) {
            case 0:
                let slot = (slots.max() ?? -1) + 1 + Int32(random.below(3))
                weights[slot] = [1, 100, 100, 1_000][random.below(4)]
                return [slot]
            case 1 where slots.count > 1:
                let slot = slots[random.below(slots.count)]
                weights[slot] = nil
                return [slot]
            case 2:
                let slot = slots[random.below(slots.count)]
                weights[slot] = [1, 50, 100, 1_000][random.below(4)]
                return [slot]
            case 3 where slots.count > 1:
                // Down to a single endpoint.
                let keep = slots[random.below(slots.count)]
                let gone = Set(slots).subtracting([keep])
                for slot in gone { weights[slot] = nil }
                return gone
            default:
                return []  // rebuilt as it was
            }
        }
    }

    static let nonHashing: [BalancerKind] = [.roundRobin, .weightedRoundRobin, .leastRequest, .p2cEWMA, .random]

    /// Each host's expected fraction of picks at equal load.
    func shares(_ kind: BalancerKind, _ set: HostSet) -> [Int32: Double] {
        let hosts = set.groups.flatMap(\.hosts)
        let weight = { (h: HostSet.Host) in kind == .roundRobin ? h.slowStart : Double(h.weight) }
        let total = hosts.reduce(0) { $0 + weight($1) }
        return Dictionary(uniqueKeysWithValues: hosts.map { ($0.slot, weight($0) / total) })
    }

    /// Through a random run of changes, the balancer picks only current hosts; then, with the
    /// set rebuilt every few picks, every host gets traffic in proportion to its weight.
    @Test(arguments: nonHashing, 0..<8 as Range<UInt64>)
    func trafficFollowsWeightsWhateverTheRebuildRate(kind: BalancerKind, seed: UInt64) {
        var world = World(seed: seed)
        var balancer = makeBalancer(kind, world.set, seed: seed)
        var now = 0.0
        var jitter = SeededRandom(seed: seed &+ 99)
        func pick(_ set: HostSet) -> Int32 {
            let slot = balancer.pick()!
            balancer.requestStarted(slot: slot)
            now += 0.001
            balancer.requestFinished(slot: slot, latency: 0.005 * (0.8 + 0.4 * jitter.unit()), now: now)
            return slot
        }
        for _ in 0..<60 {
            _ = world.change()
            let set = world.set
            balancer.update(set)
            let members = Set(set.groups.flatMap(\.hosts).map(\.slot))
            for _ in 0..<world.random.below(200) { #expect(members.contains(pick(set))) }
        }
        // A window with the set rebuilt every 1 to 50 picks.
        let set = world.set
        let expected = shares(kind, set)
        var counts: [Int32: Int] = [:]
        let window = 20_000
        var picked = 0
        while picked < window {
            balancer.update(set)
            for _ in 0..<min(window - picked, 1 + world.random.below(50)) {
                counts[pick(set), default: 0] += 1
                picked += 1
            }
        }
        for (slot, share) in expected {
            let got = Double(counts[slot, default: 0])
            let due = share * Double(window)
            // Rotations are exact up to a pick or two per rebuild boundary; random draws (and
            // least-request's, whose pairs all tie when nothing stays in flight) get five
            // standard deviations; p2c-ewma, whose comparisons follow noisy latencies, 15%.
            let sigma = (Double(window) * share * (1 - share)).squareRoot()
            let slack: Double = switch kind {
            case .roundRobin, .weightedRoundRobin: 2 + 0.01 * due
            case .random, .leastRequest: 5 * sigma + 1
            default: 5 * sigma + 0.15 * due + 1
            }
            #expect(abs(got - due) <= slack, "\(kind) seed \(seed): slot \(slot) got \(got) for \(due) in \(counts)")
            // Weight 1 next to 1,000 is a sliver, never nothing.
            if due >= 5 { #expect(got > 0, "\(kind) seed \(seed): slot \(slot) starved") }
        }
    }

    /// Consistent hashing moves only the keys of what changed: on the ring nothing else, with
    /// Maglev a little more (its paper's minimal disruption; Envoy's docs: about twice).
    @Test(arguments: [BalancerKind.ringHash, .maglev], 0..<8 as Range<UInt64>)
    func hashingMovesOnlyTheKeysOfWhatChanged(kind: BalancerKind, seed: UInt64) {
        var world = World(seed: seed)
        var balancer = makeBalancer(kind, world.set, seed: seed)
        let keys = 4_000
        var before = owners(&balancer, keys: keys)
        for _ in 0..<25 {
            let changed = world.change()
            let set = world.set
            balancer.update(set)
            let members = Set(set.groups.flatMap(\.hosts).map(\.slot))
            let after = owners(&balancer, keys: keys)
            var others = 0
            for (old, new) in zip(before, after) where old != new {
                #expect(members.contains(new))
                if !changed.contains(old) && !changed.contains(new) { others += 1 }
            }
            let limit = kind == .ringHash ? 0 : keys / 20
            #expect(others <= limit, "\(kind) seed \(seed): \(others) keys moved between hosts that did not change")
            before = after
        }
    }
}
