import Testing
@testable import MeshCore

@Suite struct BalancerSequenceTests {
    @Test func roundRobinCyclesThroughHostsIgnoringWeights() {
        var balancer = makeBalancer(.roundRobin, HostSet(hosts: makeHosts(weights: [5, 1, 1, 9])))
        let picks = (0..<12).map { _ in balancer.pick()! }
        let start = picks[0]
        #expect(picks == (0..<12).map { Int32((Int(start) + $0) % 4) })
    }

    /// Envoy's EDF: over any stretch of picks each host's count is within one of its share.
    @Test(arguments: [[5, 1, 1], [4, 2, 1], [1, 1000], [3, 7, 11, 13, 1]] as [[UInt32]])
    func weightedRoundRobinKeepsEveryHostWithinOneOfItsShare(weights: [UInt32]) {
        var balancer = makeBalancer(.weightedRoundRobin, HostSet(hosts: makeHosts(weights: weights)))
        let total = Double(weights.reduce(0, +))
        var counts = [Int](repeating: 0, count: weights.count)
        for pick in 1...3_000 {
            counts[Int(balancer.pick()!)] += 1
            for (i, weight) in weights.enumerated() {
                let due = Double(pick) * Double(weight) / total
                #expect(abs(Double(counts[i]) - due) <= 1 + Double(weights.count) * Double(weight) / total,
                        "host \(i) after \(pick) picks: \(counts[i]) for \(due)")
            }
        }
    }

    @Test func weightedRoundRobinSpreadsHeavyHostsOut() {
        var balancer = makeBalancer(.weightedRoundRobin, HostSet(hosts: makeHosts(weights: [5, 1, 1])))
        let picks = (0..<70).map { _ in balancer.pick()! }
        // Seven picks hold each light host once: never two of them in a row.
        for window in stride(from: 0, to: 63, by: 7) {
            let seven = picks[window..<window + 7]
            #expect(seven.filter { $0 == 1 }.count <= 2 && seven.filter { $0 == 2 }.count <= 2, "\(Array(seven))")
        }
        #expect(!zip(picks, picks.dropFirst()).contains { $0 != 0 && $1 != 0 }, "\(picks)")
    }

    @Test func weightedRoundRobinWithEqualWeightsIsRoundRobin() {
        var balancer = makeBalancer(.weightedRoundRobin, HostSet(hosts: makeHosts(weights: [3, 3, 3])))
        let picks = (0..<6).map { _ in balancer.pick()! }
        #expect(picks == (0..<6).map { Int32((Int(picks[0]) + $0) % 3) })
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

    @Test(arguments: BalancerKind.allCases)
    func singleEndpointTakesEverything(kind: BalancerKind) {
        var balancer = makeBalancer(kind, HostSet(hosts: makeHosts(weights: [1], slots: [4])))
        #expect(tally(&balancer, picks: 1_000) == [4: 1_000])
    }

    @Test func randomFollowsWeights() {
        var balancer = makeBalancer(.random, HostSet(hosts: makeHosts(weights: [1, 2, 3, 4])))
        let counts = tally(&balancer, picks: 100_000)
        for slot in 0..<4 {
            let share = Double(counts[Int32(slot), default: 0]) / 100_000
            #expect(abs(share - Double(slot + 1) / 10) < 0.01, "slot \(slot): \(share)")
        }
    }

    /// Envoy's round-robin ramps a host in slow start, though it ignores weights otherwise.
    @Test func roundRobinRampsAHostInSlowStart() {
        var hosts = makeHosts(weights: [100, 100, 100, 100])
        hosts[3].slowStart = 0.25
        hosts[3].weight = 25
        var balancer = makeBalancer(.roundRobin, HostSet(hosts: hosts))
        let counts = tally(&balancer, picks: 13_000)
        // 1 : 1 : 1 : 0.25
        #expect(abs(counts[3, default: 0] - 1_000) <= 2, "\(counts)")
        for slot: Int32 in 0..<3 { #expect(abs(counts[slot, default: 0] - 4_000) <= 2, "\(counts)") }
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

    /// A rebuilt set with the same hosts continues the rotation where it was (up to ties
    /// between deadlines, which may fall either way).
    @Test(arguments: [BalancerKind.roundRobin, .weightedRoundRobin])
    func rebuildingTheSameSetDoesNotRestartTheRotation(kind: BalancerKind) {
        let set = HostSet(hosts: makeHosts(weights: [5, 3, 2, 1]))
        var steady = makeBalancer(kind, set), rebuilt = makeBalancer(kind, set)
        var steadyCounts = [Int](repeating: 0, count: 4), rebuiltCounts = steadyCounts
        for _ in 0..<300 {
            for _ in 0..<3 {
                steadyCounts[Int(steady.pick()!)] += 1
                rebuiltCounts[Int(rebuilt.pick()!)] += 1
            }
            #expect(zip(steadyCounts, rebuiltCounts).allSatisfy { abs($0 - $1) <= 1 }, "\(steadyCounts) \(rebuiltCounts)")
            rebuilt.update(set)
        }
    }
}
