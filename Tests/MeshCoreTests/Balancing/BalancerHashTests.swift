import Testing
@testable import MeshCore

@Suite struct BalancerHashTests {
    static let keys = 100_000

    /// What moved between two balancers: all keys, and keys that stayed on a survivor.
    private func moves(_ before: inout Balancer, _ after: inout Balancer, changed: Set<Int32>) -> (all: Double, others: Double) {
        var moved = 0, othersMoved = 0
        for key in 0..<Self.keys {
            let old = before.pick(hash: UInt64(key))!, new = after.pick(hash: UInt64(key))!
            if old != new {
                moved += 1
                if !changed.contains(old) && !changed.contains(new) { othersMoved += 1 }
            }
        }
        return (Double(moved) / Double(Self.keys), Double(othersMoved) / Double(Self.keys))
    }

    /// Case 02 (envoyproxy/envoy#22558): one of four equal endpoints leaves; only its keys move.
    @Test(arguments: [BalancerKind.ringHash, .maglev])
    func removingOneOfFourMovesOnlyItsKeys(kind: BalancerKind) {
        let all = plannedHosts(operatorWeights: [100, 100, 100, 100])
        var before = makeBalancer(kind, HostSet(hosts: all))
        var after = makeBalancer(kind, HostSet(hosts: Array(all.dropLast())))
        let (moved, others) = moves(&before, &after, changed: [3])
        #expect(moved > 0.18 && moved < 0.32, "moved \(moved)")
        // The ring moves nothing else; Maglev a little (its paper's "minimal disruption").
        #expect(others <= (kind == .ringHash ? 0 : 0.02), "survivors' keys moved: \(others)")
    }

    @Test(arguments: [(BalancerKind.ringHash, 2.0), (.maglev, 1.5)])
    func removingOneOfTenMovesAboutATenth(kind: BalancerKind, bound: Double) {
        let all = plannedHosts(operatorWeights: Array(repeating: 100, count: 10))
        var before = makeBalancer(kind, HostSet(hosts: all))
        var after = makeBalancer(kind, HostSet(hosts: all.filter { $0.slot != 4 }))
        let (moved, others) = moves(&before, &after, changed: [4])
        #expect(moved >= 0.5 / 10 && moved <= bound / 10, "moved \(moved)")
        #expect(others <= (kind == .ringHash ? 0 : 0.03))
    }

    /// Re-weighting one endpoint moves keys only to or from it on the ring.
    @Test func reweightingMovesOnlyThatEndpointsKeys() {
        let hosts = plannedHosts(operatorWeights: [100, 100, 100, 100, 100])
        var heavier = hosts
        heavier[2].weight *= 3
        var before = makeBalancer(.ringHash, HostSet(hosts: hosts))
        var after = makeBalancer(.ringHash, HostSet(hosts: heavier))
        let (moved, others) = moves(&before, &after, changed: [2])
        // From 1/5 to 3/7 of the ring.
        #expect(moved > 0.15 && moved < 0.30, "moved \(moved)")
        #expect(others == 0)
    }

    @Test(arguments: [(BalancerKind.ringHash, 0.25), (.maglev, 0.05)])
    func sharesFollowWeights(kind: BalancerKind, tolerance: Double) {
        let weights = [10, 20, 30, 40, 10, 20, 30, 40]
        var balancer = makeBalancer(kind, HostSet(hosts: plannedHosts(operatorWeights: weights)))
        let counts = tally(&balancer, picks: Self.keys)
        for (slot, weight) in weights.enumerated() {
            let expected = Double(weight) / 200 * Double(Self.keys)
            let error = abs(Double(counts[Int32(slot), default: 0]) - expected) / expected
            #expect(error <= tolerance, "slot \(slot) off by \(error)")
        }
    }

    @Test(arguments: [BalancerKind.ringHash, .maglev])
    func sameKeySameEndpointOnEveryRouterWhateverTheOrder(kind: BalancerKind) {
        let a = makeHosts(weights: [100, 200, 300]), b = makeHosts(weights: [100, 100], slots: [3, 4])
        let set = HostSet(groups: [.init(zone: "a", share: 0.7, hosts: a), .init(zone: "b", share: 0.3, hosts: b)])
        let reordered = HostSet(groups: [.init(zone: "a", share: 0.7, hosts: a.reversed()),
                                         .init(zone: "b", share: 0.3, hosts: b.reversed())])
        var first = makeBalancer(kind, set, seed: 1)
        var second = makeBalancer(kind, reordered, seed: 99)
        for key in 0..<10_000 {
            let hash = StableHash.hash("user-\(key)")
            let slot = first.pick(hash: hash)
            #expect(slot == second.pick(hash: hash) && slot == first.pick(hash: hash))
        }
    }

    @Test func ringSizeDependsOnEachHostsOwnWeightUntilItsCap() {
        let four = plannedHosts(operatorWeights: [100, 100, 100, 100])
        let ring = HashRing(hosts: four, arena: TableArena()) { _, _ in }
        #expect(ring.count == 4 * 2_500)
        // A set far past the cap gets fewer points per weight, within the cap.
        let many = plannedHosts(operatorWeights: Array(repeating: 100, count: 1_000))
        let big = HashRing(hosts: many, arena: TableArena()) { _, _ in }
        #expect(big.count <= HashRing.maximumSize && big.count > HashRing.maximumSize / 2)
    }
}
