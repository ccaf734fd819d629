import Testing
@testable import MeshCore

@Suite struct BalancerSequenceTests {
    @Test func roundRobinCyclesThroughHostsIgnoringWeights() {
        var balancer = makeBalancer(.roundRobin, HostSet(hosts: makeHosts(weights: [5, 1, 1, 9])))
        let picks = (0..<12).map { _ in balancer.pick()! }
        let start = picks[0]
        #expect(picks == (0..<12).map { Int32((Int(start) + $0) % 4) })
    }

    @Test func smoothWeightedRoundRobinFollowsNginxSequence() {
        var balancer = makeBalancer(.weightedRoundRobin, HostSet(hosts: makeHosts(weights: [5, 1, 1])))
        let picks = (0..<14).map { _ in balancer.pick()! }
        let cycle: [Int32] = [0, 0, 1, 0, 2, 0, 0]
        #expect(picks == cycle + cycle)
    }

    @Test func smoothWeightedRoundRobinSpreadsUnevenWeights() {
        var balancer = makeBalancer(.weightedRoundRobin, HostSet(hosts: makeHosts(weights: [4, 2, 1])))
        let picks = (0..<7).map { _ in balancer.pick()! }
        // nginx: a b a c a b a
        #expect(picks == [0, 1, 0, 2, 0, 1, 0])
    }

    @Test func smoothWeightedRoundRobinWithEqualWeightsIsRoundRobin() {
        var balancer = makeBalancer(.weightedRoundRobin, HostSet(hosts: makeHosts(weights: [3, 3, 3])))
        #expect((0..<6).map { _ in balancer.pick()! } == [0, 1, 2, 0, 1, 2])
    }

    @Test(arguments: BalancerKind.allCases)
    func emptySetPicksNothing(kind: BalancerKind) {
        var balancer = Balancer(kind: kind, seed: 1)
        #expect(balancer.pick(hash: 42) == nil)
        balancer.update(HostSet(hosts: makeHosts(weights: [1, 2])))
        #expect(balancer.pick(hash: 42) != nil)
        balancer.update(.empty)
        #expect(balancer.pick(hash: 42) == nil)
        #expect(balancer.hosts.isEmpty)
    }

    @Test func randomFollowsWeights() {
        var balancer = makeBalancer(.random, HostSet(hosts: makeHosts(weights: [1, 2, 3, 4])))
        let counts = tally(&balancer, picks: 100_000)
        for slot in 0..<4 {
            let share = Double(counts[Int32(slot), default: 0]) / 100_000
            #expect(abs(share - Double(slot + 1) / 10) < 0.01, "slot \(slot): \(share)")
        }
    }
}

@Suite struct BalancerValueTests {
    @Test func copiesPickIndependentlyAndOutliveTheOriginalsTables() {
        var original = makeBalancer(.roundRobin, HostSet(hosts: makeHosts(weights: [1, 1, 1])))
        var copy = original
        let fromOriginal = (0..<3).map { _ in original.pick()! }
        let fromCopy = (0..<3).map { _ in copy.pick()! }
        // Each keeps its own turn: the copy starts where the original started.
        #expect(fromOriginal == fromCopy)
        // Replacing the original's tables leaves the copy's valid.
        original.update(HostSet(hosts: makeHosts(weights: [1], slots: [9])))
        #expect(original.pick() == 9)
        #expect(Set((0..<6).map { _ in copy.pick()! }) == [0, 1, 2])
    }

    @Test func loadIsKeptBySlotAcrossUpdates() {
        let hosts = makeHosts(weights: [1, 1, 1])
        var balancer = makeBalancer(.leastRequest, HostSet(hosts: hosts))
        for _ in 0..<20 { balancer.requestStarted(slot: 1) }
        balancer.update(HostSet(hosts: hosts.reversed()))
        #expect((0..<200).allSatisfy { _ in balancer.pick() != 1 })
    }
}
