import Testing
@testable import MeshCore

@Suite struct BalancerLoadTests {
    @Test func leastRequestAvoidsLoadedEndpoint() {
        var balancer = makeBalancer(.leastRequest, HostSet(hosts: makeHosts(weights: Array(repeating: 1, count: 8))))
        for _ in 0..<50 { balancer.requestStarted(slot: 3) }
        let counts = tally(&balancer, picks: 10_000)
        // Two distinct hosts are drawn, so the loaded one always loses to an idle one.
        #expect(counts[3] == nil)
        #expect(counts.count == 7)
    }

    @Test func peakEWMAAvoidsSlowEndpoint() {
        var balancer = makeBalancer(.p2cEWMA, HostSet(hosts: makeHosts(weights: Array(repeating: 1, count: 5))))
        feed(&balancer, seconds: 0..<5, latency: { $0 == 2 ? 0.5 : 0.02 })
        let counts = tally(&balancer, picks: 10_000)
        #expect(counts[2] == nil)
        for slot: Int32 in [0, 1, 3, 4] { #expect(abs(counts[slot, default: 0] - 2500) < 250, "\(counts)") }
    }

    /// Case 07 (tower-rs/tower#134): a newcomer the others are faster than any default RTT
    /// is tried at once, and takes its share when it answers as well as they do.
    @Test func peakEWMAExploresANewcomerAndGivesItItsShare() {
        let three = makeHosts(weights: [100, 100, 100])
        var balancer = makeBalancer(.p2cEWMA, HostSet(hosts: three))
        for second in 0..<30 { _ = sequential(&balancer, count: 20, now: Double(second)) }
        balancer.update(HostSet(hosts: makeHosts(weights: [100, 100, 100, 100])))
        var counts: [Int32: Int] = [:]
        var jitter = SeededRandom(seed: 3)
        for second in 30..<300 {
            let picked = sequential(&balancer, count: 20, now: Double(second)) { _ in 0.005 * (0.8 + 0.4 * jitter.unit()) }
            counts.merge(picked, uniquingKeysWith: +)
        }
        let total = Double(counts.values.reduce(0, +))
        for slot: Int32 in 0..<4 { #expect(Double(counts[slot, default: 0]) / total > 0.15, "\(counts)") }
    }

    /// Finagle: no answer yet and a request in flight: wait for that answer.
    @Test func peakEWMAProbesAnUnmeasuredEndpointOnceUntilItAnswers() {
        var balancer = makeBalancer(.p2cEWMA, HostSet(hosts: makeHosts(weights: [1, 1])))
        balancer.requestStarted(slot: 0)
        balancer.requestFinished(slot: 0, latency: 0.2, now: 1)
        // Slot 1 has no data: idle, it costs nothing and is tried...
        #expect(balancer.pick() == 1)
        balancer.requestStarted(slot: 1)
        // ...and while its first request is in flight, 200 ms slot 0 is preferred.
        #expect((0..<100).allSatisfy { _ in balancer.pick() == 0 })
        balancer.requestFinished(slot: 1, latency: 0.01, now: 1.1)
        #expect((0..<100).allSatisfy { _ in balancer.pick() == 1 })
    }

    /// A slow endpoint that leaves and comes back is measured afresh, not by its old peak.
    @Test func peakEWMAMeasuresAReturningEndpointAfresh() {
        let hosts = makeHosts(weights: [1, 1])
        var balancer = makeBalancer(.p2cEWMA, HostSet(hosts: hosts))
        balancer.requestStarted(slot: 1)
        balancer.requestFinished(slot: 1, latency: 5, now: 1)
        balancer.requestStarted(slot: 0)
        balancer.requestFinished(slot: 0, latency: 0.01, now: 1)
        #expect(balancer.view(slot: 1)?.latency != nil)
        balancer.update(HostSet(hosts: [hosts[0]]))
        balancer.update(HostSet(hosts: hosts))
        #expect(balancer.view(slot: 1)?.latency == nil)
        #expect(balancer.pick() == 1)
    }

    /// Weight classes (Finagle's TrafficDistributor): equal latency, traffic by weight.
    @Test func peakEWMAFollowsWeightsAtEqualLatency() {
        var balancer = makeBalancer(.p2cEWMA, HostSet(hosts: makeHosts(weights: [200, 300, 300])))
        var counts: [Int32: Int] = [:]
        var jitter = SeededRandom(seed: 9)
        for second in 0..<200 {
            counts.merge(sequential(&balancer, count: 50, now: Double(second)) { _ in 0.005 * (0.8 + 0.4 * jitter.unit()) },
                         uniquingKeysWith: +)
        }
        let share = Double(counts[0, default: 0]) / 10_000
        #expect(abs(share - 0.25) < 0.02, "\(counts)")
    }

    @Test func peakEWMAReactsToPeakAtOnceAndRecoversSlowly() {
        // Right after a 1 s peak, slot 1 is worth about fifty requests in flight on slot 0.
        var spiked = afterPeak(recoveredUntil: 4)
        #expect(openRequests(&spiked, count: 100)[1] <= 5)
        // Four seconds of fast answers are not enough to forget the peak...
        var recovering = afterPeak(recoveredUntil: 8)
        #expect(openRequests(&recovering, count: 100)[1] <= 10)
        // ...but a minute is, and the two share the load again.
        var recovered = afterPeak(recoveredUntil: 60)
        #expect(openRequests(&recovered, count: 100)[1] >= 35)
    }

    /// Case 07: one slow answer (2 ms) keeps an endpoint away while its peak decays (20 s
    /// here). Picked again, it is judged from the estimate the picks saw, as tower decays it on
    /// every read, not from the stored peak: that pulled it back up to twice the others' 0.26 ms
    /// and kept it away again.
    @Test func peakEWMAStepsFromTheDecayedEstimateAfterAQuietSpell() throws {
        var balancer = makeBalancer(.p2cEWMA, HostSet(hosts: makeHosts(weights: [1, 1])))
        balancer.requestStarted(slot: 0)
        balancer.requestFinished(slot: 0, latency: 0.002, now: 0)
        var now = 0.0
        for _ in 0..<500 {
            now += 0.04
            balancer.requestStarted(slot: 1)
            balancer.requestFinished(slot: 1, latency: 0.000_26, now: now)
        }
        balancer.requestStarted(slot: 0)
        balancer.requestFinished(slot: 0, latency: 0.000_26, now: now)
        let estimate = try #require(balancer.view(slot: 0)?.latency)
        #expect(estimate < 0.000_27, "\(estimate)")
    }

    @Test func activeRequestsRaisePeakEWMACost() {
        var balancer = makeBalancer(.p2cEWMA, HostSet(hosts: makeHosts(weights: [1, 1])))
        feed(&balancer, seconds: 0..<3, latency: { _ in 0.02 })
        for _ in 0..<3 { balancer.requestStarted(slot: 0) }
        #expect((0..<100).allSatisfy { _ in balancer.pick() == 1 })
    }

    private func afterPeak(recoveredUntil end: Int) -> Balancer {
        var balancer = makeBalancer(.p2cEWMA, HostSet(hosts: makeHosts(weights: [1, 1])))
        feed(&balancer, seconds: 0..<3, latency: { _ in 0.02 })
        balancer.requestStarted(slot: 1)
        balancer.requestFinished(slot: 1, latency: 1.0, now: 3)
        feed(&balancer, seconds: 4..<end, latency: { _ in 0.02 })
        return balancer
    }

    /// Picks `count` times without finishing anything; returns the requests open per slot.
    private func openRequests(_ balancer: inout Balancer, count: Int) -> [Int] {
        var open = [Int](repeating: 0, count: balancer.hosts.count)
        for _ in 0..<count {
            let slot = balancer.pick()!
            balancer.requestStarted(slot: slot)
            open[Int(slot)] += 1
        }
        return open
    }

    /// Ten requests a second to every host, each answering in `latency(slot)`.
    private func feed(_ balancer: inout Balancer, seconds: Range<Int>, latency: (Int32) -> Double) {
        for tick in (seconds.lowerBound * 10)..<(seconds.upperBound * 10) {
            for slot in balancer.hosts.groups.flatMap(\.hosts).map(\.slot) {
                balancer.requestStarted(slot: slot)
                balancer.requestFinished(slot: slot, latency: latency(slot), now: Double(tick) / 10)
            }
        }
    }
}

@Suite struct BalancerMeasurementTests {
    @Test func brokenLatenciesAreIgnored() {
        var balancer = makeBalancer(.p2cEWMA, HostSet(hosts: makeHosts(weights: [1, 1])))
        for (latency, now) in [(Double.nan, 1.0), (-1, 1), (0.01, .infinity), (.infinity, 2)] {
            balancer.requestStarted(slot: 0)
            balancer.requestFinished(slot: 0, latency: latency, now: now)
        }
        balancer.requestStarted(slot: 1)
        balancer.requestFinished(slot: 1, latency: 0.5, now: 3)
        // Slot 0 still has no data (and nothing in flight), so it beats slot 1's 500 ms every time.
        #expect(balancer.view(slot: 0)?.latency == nil)
        #expect((0..<100).allSatisfy { _ in balancer.pick() == 0 })
    }

    @Test func viewShowsWhatTheBalancerUses() {
        var hosts = plannedHosts(operatorWeights: [100, 100])
        hosts[1].slowStart = 0.5
        hosts[1].weight /= 2
        var balancer = makeBalancer(.p2cEWMA, HostSet(hosts: hosts))
        balancer.requestStarted(slot: 0)
        balancer.requestFinished(slot: 0, latency: 0.02, now: 1)
        balancer.requestStarted(slot: 0)
        let view = balancer.view(slot: 0)
        #expect(view?.weight == 10_000 && view?.slowStart == nil && view?.active == 1)
        #expect(view?.latency == 0.02 && view?.cost == 0.04)
        #expect(abs((view?.share ?? 0) - 2.0 / 3) < 1e-9)
        #expect(balancer.view(slot: 1)?.slowStart == 0.5 && balancer.view(slot: 1)?.latency == nil)
        #expect(balancer.view(slot: 7) == nil)
    }
}
