import Testing
@testable import MeshCore

@Suite struct BalancerGroupTests {
    @Test(arguments: BalancerKind.allCases)
    func groupSharesAreRespected(kind: BalancerKind) {
        let set = HostSet(groups: [
            .init(zone: "a", share: 0.8, hosts: makeHosts(weights: [1, 3, 2])),
            .init(zone: "b", share: 0.15, hosts: makeHosts(weights: [2, 1], slots: [3, 4])),
            .init(zone: "c", share: 0.05, hosts: makeHosts(weights: [1], slots: [5])),
        ])
        var balancer = makeBalancer(kind, set)
        let counts = tally(&balancer, picks: 100_000)
        let shareA = Double(counts[0, default: 0] + counts[1, default: 0] + counts[2, default: 0]) / 100_000
        let shareB = Double(counts[3, default: 0] + counts[4, default: 0]) / 100_000
        let shareC = Double(counts[5, default: 0]) / 100_000
        #expect(abs(shareA - 0.8) < 0.01 && abs(shareB - 0.15) < 0.01 && abs(shareC - 0.05) < 0.005,
                "\(shareA) \(shareB) \(shareC)")
    }

    @Test(arguments: [BalancerKind.roundRobin, .weightedRoundRobin])
    func eachGroupKeepsItsOwnTurn(kind: BalancerKind) {
        let set = HostSet(groups: [
            .init(zone: "a", share: 0.5, hosts: makeHosts(weights: [1, 1, 1])),
            .init(zone: "b", share: 0.5, hosts: makeHosts(weights: [1, 1], slots: [3, 4])),
        ])
        var balancer = makeBalancer(kind, set)
        let picks = (0..<200).map { _ in balancer.pick()! }
        let inA = picks.filter { $0 < 3 }, inB = picks.filter { $0 >= 3 }
        #expect(zip(inA, inA.dropFirst()).allSatisfy { ($0 + 1) % 3 == $1 }, "\(inA)")
        #expect(zip(inB, inB.dropFirst()).allSatisfy { $0 != $1 }, "\(inB)")
    }

    @Test(arguments: BalancerKind.allCases)
    func neverPicksOutsideTheSet(kind: BalancerKind) {
        var random = SeededRandom(seed: 2024)
        var balancer = Balancer(kind: kind, seed: 5)
        for _ in 0..<40 {
            let set = randomSet(&random)
            balancer.update(set)
            let members = Set(set.groups.flatMap(\.hosts).map(\.slot))
            for _ in 0..<500 {
                guard let slot = balancer.pick(hash: random.next()) else {
                    Issue.record("nil from a non-empty set"); return
                }
                #expect(members.contains(slot))
                // Load reported for any slot, even ones that have left, must not disturb picks.
                balancer.requestStarted(slot: slot)
                if random.below(2) == 0 {
                    balancer.requestFinished(slot: slot, latency: random.unit(), now: Double(random.below(100)))
                }
            }
        }
    }

    /// One to three groups of one to forty hosts, with sparse slots and weights 1...200.
    private func randomSet(_ random: inout SeededRandom) -> HostSet {
        var slots = Array(Int32(0)..<Int32(300))
        slots.shuffle(using: &random)
        var next = 0
        let groups = (0...random.below(3)).map { _ in
            let count = 1 + random.below(40)
            let hosts = (0..<count).map { _ in
                defer { next += 1 }
                return HostSet.Host(slot: slots[next], weight: UInt32(1 + random.below(200)),
                                    key: StableHash.mix(UInt64(slots[next])))
            }
            return HostSet.Group(zone: nil, share: random.unit() + 0.01, hosts: hosts)
        }
        return HostSet(groups: groups)
    }
}
