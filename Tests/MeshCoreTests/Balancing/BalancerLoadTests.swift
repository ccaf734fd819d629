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

    @Test func leastRequestBalancesOpenRequestsByWeight() {
        var balancer = makeBalancer(.leastRequest, HostSet(hosts: makeHosts(weights: [3, 1, 1, 1])))
        let open = openRequests(&balancer, count: 600)
        // weight / (active + 1) tends to level out: the weight-3 host carries well over twice as
        // much as each other (three times at best; two random choices get close, not all the way).
        let light = open[1...]
        #expect(light.allSatisfy { open[0] > 2 * $0 }, "\(open)")
        #expect(light.max()! - light.min()! <= 10, "\(open)")
    }

    @Test func peakEWMAAvoidsSlowEndpoint() {
        var balancer = makeBalancer(.p2cEWMA, HostSet(hosts: makeHosts(weights: Array(repeating: 1, count: 5))))
        feed(&balancer, seconds: 0..<5, latency: { $0 == 2 ? 0.5 : 0.02 })
        let counts = tally(&balancer, picks: 10_000)
        #expect(counts[2] == nil)
        for slot: Int32 in [0, 1, 3, 4] { #expect(abs(counts[slot, default: 0] - 2500) < 250, "\(counts)") }
    }

    @Test func peakEWMAPrefersUnmeasuredOverSlow() {
        var balancer = makeBalancer(.p2cEWMA, HostSet(hosts: makeHosts(weights: [1, 1])))
        balancer.requestStarted(slot: 0)
        balancer.requestFinished(slot: 0, latency: 0.2, now: 1)
        // Slot 1 has no data and counts as 30 ms.
        #expect((0..<100).allSatisfy { _ in balancer.pick() == 1 })
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

    @Test func activeRequestsRaisePeakEWMACost() {
        var balancer = makeBalancer(.p2cEWMA, HostSet(hosts: makeHosts(weights: [1, 1])))
        feed(&balancer, seconds: 0..<3, latency: { _ in 0.02 })
        for _ in 0..<3 { balancer.requestStarted(slot: 0) }
        #expect((0..<100).allSatisfy { _ in balancer.pick() == 1 })
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
        // Slot 0 still has no data (30 ms), so it beats slot 1's 500 ms every time.
        #expect((0..<100).allSatisfy { _ in balancer.pick() == 0 })
    }
}
