import Testing
@testable import MeshCore

@Suite struct BalancerHashTests {
    static let keys = 100_000

    @Test(arguments: [(BalancerKind.ringHash, 2.0), (.maglev, 1.5)])
    func removingOneOfTenMovesAboutATenth(kind: BalancerKind, bound: Double) {
        let all = makeHosts(weights: Array(repeating: 1, count: 10))
        var before = makeBalancer(kind, HostSet(hosts: all))
        var after = makeBalancer(kind, HostSet(hosts: all.filter { $0.slot != 4 }))
        var moved = 0, survivorsMoved = 0, onSurvivors = 0
        for key in 0..<Self.keys {
            let old = before.pick(hash: UInt64(key))!, new = after.pick(hash: UInt64(key))!
            #expect(new != 4)
            if old != new { moved += 1 }
            if old != 4 {
                onSurvivors += 1
                if old != new { survivorsMoved += 1 }
            }
        }
        let fraction = Double(moved) / Double(Self.keys)
        #expect(fraction >= 0.5 / 10 && fraction <= bound / 10, "moved \(fraction)")
        // The ring moves nothing else; Maglev moves a little.
        #expect(Double(survivorsMoved) / Double(onSurvivors) <= (kind == .ringHash ? 0 : 0.03))
    }

    @Test(arguments: [(BalancerKind.ringHash, 0.25), (.maglev, 0.05)])
    func sharesFollowWeights(kind: BalancerKind, tolerance: Double) {
        let weights: [UInt32] = [1, 2, 3, 4, 1, 2, 3, 4]
        var balancer = makeBalancer(kind, HostSet(hosts: makeHosts(weights: weights)))
        let counts = tally(&balancer, picks: Self.keys)
        for (slot, weight) in weights.enumerated() {
            let expected = Double(weight) / 20 * Double(Self.keys)
            let error = abs(Double(counts[Int32(slot), default: 0]) - expected) / expected
            #expect(error <= tolerance, "slot \(slot) off by \(error)")
        }
    }

    @Test(arguments: [BalancerKind.ringHash, .maglev])
    func sameKeySameEndpointOnEveryRouter(kind: BalancerKind) {
        let set = HostSet(groups: [
            .init(zone: "a", share: 0.7, hosts: makeHosts(weights: [1, 2, 3])),
            .init(zone: "b", share: 0.3, hosts: makeHosts(weights: [1, 1], slots: [3, 4])),
        ])
        var first = makeBalancer(kind, set, seed: 1)
        var second = makeBalancer(kind, set, seed: 99)
        for key in 0..<10_000 {
            let hash = StableHash.hash("user-\(key)")
            let slot = first.pick(hash: hash)
            #expect(slot == second.pick(hash: hash) && slot == first.pick(hash: hash))
        }
    }

    @Test func ringKeepsEnvoysMinimumSize() {
        #expect(HashRing(hosts: makeHosts(weights: [1, 1, 1]), arena: TableArena()).count >= HashRing.minimumSize)
        #expect(HashRing(hosts: makeHosts(weights: [1, 9]), arena: TableArena()).count >= HashRing.minimumSize)
    }
}
