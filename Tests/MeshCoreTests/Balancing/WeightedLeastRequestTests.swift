import Testing
@testable import MeshCore

/// Least-request with unequal weights (`WeightedLeastRequest`): two hosts drawn by weight, the
/// first kept unless the second, with a margin of 0.3 to 1 request more, has fewer in flight
/// per unit of weight. Shares are checked against the exact probabilities of that rule, within five
/// standard deviations of the picks' count, and in a closed-loop service at 1 to 32 in flight.
@Suite struct WeightedLeastRequestTests {
    /// Each host's chance of being picked, from the rule itself: the first draw is host i with
    /// p(i) = w(i) / Σw; the second is j with p(j), or on a repeat one of the n − 1 others
    /// uniformly; the second wins when (in flight + margin) / weight is still below the first's,
    /// for a margin drawn uniformly from `WeightedLeastRequest.margin`.
    static func expectedShares(weights: [UInt32], inFlight: [Int]) -> [Double] {
        let n = weights.count
        let total = Double(weights.reduce(0, +))
        let p = weights.map { Double($0) / total }
        var shares = [Double](repeating: 0, count: n)
        for i in 0..<n {
            for j in 0..<n where j != i {
                let pair = p[i] * (p[j] + p[i] / Double(n - 1))
                // The margin below which the second wins, and the chance of drawing one.
                let behind = Double(inFlight[i]) * Double(weights[j]) / Double(weights[i]) - Double(inFlight[j])
                let range = WeightedLeastRequest.margin
                let secondWins = min(1, max(0, (behind - range.lowerBound) / (range.upperBound - range.lowerBound)))
                shares[j] += pair * secondWins
                shares[i] += pair * (1 - secondWins)
            }
        }
        return shares
    }

    /// Picks `picks` times with `inFlight[slot]` requests held open on each host (none finish),
    /// and checks every host's count against `shares` within 5σ.
    static func checkShares(weights: [UInt32], inFlight: [Int], shares: [Double], picks: Int = 200_000,
                            sourceLocation: SourceLocation = #_sourceLocation) {
        var balancer = makeBalancer(.leastRequest, HostSet(hosts: makeHosts(weights: weights)))
        for (slot, count) in inFlight.enumerated() {
            for _ in 0..<count { balancer.requestStarted(slot: Int32(slot)) }
        }
        let counts = tally(&balancer, picks: picks)
        for (slot, share) in shares.enumerated() {
            let due = share * Double(picks)
            let sigma = (due * (1 - share)).squareRoot()
            let got = Double(counts[Int32(slot), default: 0])
            #expect(abs(got - due) <= 5 * sigma + 1, "slot \(slot): \(got) picks for \(due) in \(counts)",
                    sourceLocation: sourceLocation)
        }
    }

    /// Idle hosts: every pair ties and the first draw wins, so each host gets its weight's
    /// share, a light host next to a heavy one included.
    @Test(arguments: [[1, 2, 3, 4], [200, 300], [1, 1_000], [50, 150, 75, 120, 99, 101]] as [[UInt32]])
    func idleHostsGetTheirWeightsShare(weights: [UInt32]) {
        let total = Double(weights.reduce(0, +))
        Self.checkShares(weights: weights, inFlight: weights.map { _ in 0 }, shares: weights.map { Double($0) / total })
    }

    /// Requests in flight in proportion to weight (what equal speeds give at a weighted share)
    /// are equal loads: the shares stay the weights'.
    @Test func loadsInProportionToWeightsKeepTheWeightsShares() {
        let weights: [UInt32] = [100, 200, 300, 400]
        Self.checkShares(weights: weights, inFlight: [3, 6, 9, 12], shares: [0.1, 0.2, 0.3, 0.4])
    }

    /// Sequential traffic (each request answered before the next) is idle load: weights' shares.
    @Test func sequentialTrafficFollowsWeights() {
        var balancer = makeBalancer(.leastRequest, HostSet(hosts: makeHosts(weights: [200, 300])))
        let counts = sequential(&balancer, count: 100_000)
        let sigma = (100_000 * 0.4 * 0.6).squareRoot()
        #expect(abs(Double(counts[0, default: 0]) - 40_000) <= 5 * sigma, "\(counts)")
    }

    /// Unequal loads: the measured shares are the rule's, for loads that tie, loads that order
    /// the hosts, and a heavy host that is busy.
    @Test(arguments: [
        ([1, 2, 3, 4], [0, 3, 1, 2]),
        ([2, 1, 1], [1, 0, 1]),
        ([100, 50, 150, 120, 80], [2, 1, 3, 0, 2]),
        ([1, 1_000], [0, 7]),
    ] as [([UInt32], [Int])])
    func sharesFollowTheRule(weights: [UInt32], inFlight: [Int]) {
        Self.checkShares(weights: weights, inFlight: inFlight,
                         shares: Self.expectedShares(weights: weights, inFlight: inFlight))
    }

    /// The more a host has in flight (per weight), the fewer picks it gets; past every other
    /// host's load by a request it gets none, as Envoy's P2C promises for its most loaded
    /// host.
    @Test func aLoadedHostGetsFewerPicksTheMoreItHasInFlight() {
        // Host 0 (weight 3) against hosts at 1, 2 and 3 in flight per unit of weight.
        var previous = Int.max
        for load in [0, 3, 6, 9, 12] {
            var balancer = makeBalancer(.leastRequest, HostSet(hosts: makeHosts(weights: [3, 1, 1, 1])))
            for _ in 0..<load { balancer.requestStarted(slot: 0) }
            for slot: Int32 in 1...3 { for _ in 0..<Int(slot) { balancer.requestStarted(slot: slot) } }
            let picks = tally(&balancer, picks: 20_000)[0, default: 0]
            #expect(picks < previous, "host 0 at \(load) in flight: \(picks) picks, \(previous) with less")
            previous = picks
        }
        #expect(previous == 0)
    }

    /// A busy service: `inFlight` requests always open, each finishing at its host's `speed`
    /// (memoryless: the next to finish is drawn in proportion to speed), a new pick after each.
    /// Returns each slot's share of the picks.
    static func busyShares(weights: [UInt32], speeds: [Double], inFlight: Int, steps: Int = 100_000) -> [Double] {
        var balancer = makeBalancer(.leastRequest, HostSet(hosts: makeHosts(weights: weights)))
        var open = [Int](repeating: 0, count: weights.count), counts = open
        var random = SeededRandom(seed: 5)
        func start() -> Int {
            let slot = Int(balancer.pick()!)
            balancer.requestStarted(slot: Int32(slot))
            open[slot] += 1
            return slot
        }
        for _ in 0..<inFlight { _ = start() }
        for _ in 0..<steps {
            let rates = open.indices.map { Double(open[$0]) * speeds[$0] }
            var point = random.unit() * rates.reduce(0, +), done = 0
            while done < rates.count - 1, point >= rates[done] { point -= rates[done]; done += 1 }
            balancer.requestFinished(slot: Int32(done), latency: 0.01, now: 0)
            open[done] -= 1
            counts[start()] += 1
        }
        return counts.map { Double($0) / Double(steps) }
    }

    /// Few requests in flight at equal speeds, where an idle host used to win every pair: 400 :
    /// 100 split 50 : 50 at two in flight and 75 : 25 at four (and 300 : 200 went 50 : 50 with a
    /// fixed margin of half a request). The shares stay within 0.05 of the weights' at every
    /// concurrency (the model of `WeightedLeastRequest`'s docs gives at most 0.041).
    @Test(arguments: [1, 2, 3, 4, 6, 8, 16])
    func fewRequestsInFlightKeepTheWeightsShares(inFlight: Int) {
        for weights in [[400, 100], [300, 200], [100, 300], [100, 200, 500], [100, 100, 100, 1_000]] as [[UInt32]] {
            let total = Double(weights.reduce(0, +))
            let shares = Self.busyShares(weights: weights, speeds: weights.map { _ in 1 }, inFlight: inFlight, steps: 40_000)
            for (share, weight) in zip(shares, weights) {
                #expect(abs(share - Double(weight) / total) < 0.05, "\(weights) at \(inFlight) in flight: \(shares)")
            }
        }
    }

    /// Copies of a balancer that share their count of requests in flight (one per event loop
    /// in the data plane) see each other's requests: an endpoint busy on one loop is busy to
    /// all. Without sharing, each copy sees only its own.
    @Test func copiesThatShareTheirCountSeeEachOthersRequests() {
        for shared in [true, false] {
            var first = makeBalancer(.leastRequest, HostSet(hosts: makeHosts(weights: [400, 100])))
            if shared { first.shareRequestsInFlight() }
            var second = first
            // Three requests on the heavy host through the first copy, none on the light one.
            for _ in 0..<3 { first.requestStarted(slot: 0) }
            #expect(second.view(slot: 0)?.active == (shared ? 3 : 0))
            // The second copy's picks: with the heavy host at 3 in flight per 400 the idle light
            // host is 0.75 of a request behind it and takes 71% of the picks; seen idle, the
            // heavy host keeps its draws (80%).
            let light = tally(&second, picks: 10_000)[1, default: 0]
            #expect(shared ? light > 6_500 : light < 2_500, "light host: \(light) of 10,000")
            second.requestStarted(slot: 1)
            first.requestFinished(slot: 0, latency: 0.01, now: 1)
            #expect(first.view(slot: 0)?.active == 2)
            #expect(first.view(slot: 1)?.active == (shared ? 1 : 0))
        }
    }

    /// p2c-ewma's copies share the count too: its cost is the estimate × (pending + 1), so a
    /// host with requests in flight on one loop costs more on every loop. A copy's starts and
    /// another's finishes balance out (the count goes back to 0, and the host is drawn again).
    @Test func peakEWMACopiesShareRequestsInFlight() {
        var first = makeBalancer(.p2cEWMA, HostSet(hosts: makeHosts(weights: [100, 100])))
        first.shareRequestsInFlight()
        // Both measured at 10 ms, so only requests in flight tell them apart.
        for slot: Int32 in 0...1 {
            first.requestStarted(slot: slot)
            first.requestFinished(slot: slot, latency: 0.01, now: 1)
        }
        var second = first
        for _ in 0..<3 { first.requestStarted(slot: 0) }
        #expect(second.view(slot: 0)?.active == 3)
        #expect(tally(&second, picks: 1_000)[0] == nil, "a host 3 in flight lost to an idle one of the same estimate")
        for _ in 0..<3 { second.requestFinished(slot: 0, latency: 0.01, now: 1) }
        #expect(first.view(slot: 0)?.active == 0)
        #expect((tally(&first, picks: 1_000)[0] ?? 0) > 300)
    }

    /// Dozens in flight at equal speeds: load per weight keeps the weights' shares (Envoy's
    /// `weight / (active + 1)` would flatten 1 : 3 toward 0.36 : 0.64 at this load).
    @Test func aBusyServiceAtEqualSpeedsKeepsTheWeightsShares() {
        let pair = Self.busyShares(weights: [100, 300], speeds: [1, 1], inFlight: 32)
        #expect(abs(pair[0] - 0.25) < 0.01, "\(pair)")
        let three = Self.busyShares(weights: [50, 100, 150], speeds: [1, 1, 1], inFlight: 32)
        for (share, due) in zip(three, [1.0 / 6, 2.0 / 6, 3.0 / 6]) { #expect(abs(share - due) < 0.015, "\(three)") }
    }

    /// A host four times slower than the others keeps more in flight and gets well under its
    /// weight's share.
    @Test func aSlowHostGetsLessThanItsWeightsShare() {
        let shares = Self.busyShares(weights: [200, 100, 100], speeds: [0.25, 1, 1], inFlight: 32)
        #expect(shares[0] < 0.3, "\(shares)")
        #expect(abs(shares[1] - shares[2]) < 0.02, "\(shares)")
    }

    /// A host of weight 0 (the planner leaves such hosts out; a set may still hold one) is
    /// never drawn first and loses every comparison, even idle against busy hosts.
    @Test func weightZeroIsNeverPicked() {
        var balancer = makeBalancer(.leastRequest, HostSet(hosts: makeHosts(weights: [0, 100, 200, 50])))
        for slot: Int32 in 1...3 { for _ in 0..<5 { balancer.requestStarted(slot: slot) } }
        let counts = tally(&balancer, picks: 50_000)
        #expect(counts[0] == nil, "\(counts)")
        #expect(counts.keys.sorted() == [1, 2, 3])
    }

    /// Drained endpoints and weight 0 get no traffic from a planned set, ramping ones a little.
    @Test func drainedAndWeightZeroEndpointsAreNeverPicked() {
        typealias C = TrafficPlanner.Candidate
        let planner = TrafficPlanner(policy: ServicePolicy(balancer: .leastRequest, slowStart: 10))
        let plan = planner.plan([
            C(slot: 0, state: .healthy, weight: 2), C(slot: 1, state: .draining, weight: 2),
            C(slot: 2, state: .healthy, weight: 0), C(slot: 3, state: .healthy, weight: 1),
            C(slot: 4, state: .healthy, weight: 1, eligibleSince: 99),
        ], now: 100)
        var balancer = makeBalancer(.leastRequest, plan.hosts)
        let counts = sequential(&balancer, count: 40_000)
        #expect(Set(counts.keys) == [0, 3, 4], "\(counts)")
        // Weights 2 : 1 : 0.1 (slow start's floor), idle between picks.
        let share4 = Double(counts[4, default: 0]) / 40_000
        #expect(abs(share4 - 0.1 / 3.1) < 0.005, "\(counts)")
    }

    /// The simulator replays a scenario from its seed: the same seed and set pick the same hosts.
    @Test func theSameSeedPicksTheSameHosts() {
        let set = HostSet(hosts: makeHosts(weights: [50, 150, 75, 120, 99]))
        var first = makeBalancer(.leastRequest, set, seed: 11), second = makeBalancer(.leastRequest, set, seed: 11)
        var other = makeBalancer(.leastRequest, set, seed: 12)
        let a = (0..<2_000).map { _ in first.pick()! }, b = (0..<2_000).map { _ in second.pick()! }
        let c = (0..<2_000).map { _ in other.pick()! }
        #expect(a == b)
        #expect(a != c)
    }
}
