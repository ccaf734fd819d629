import MeshCore
import MeshProxy
import Testing
@testable import MeshRun

/// The proxy's running counters become one window's load: differences, not totals.
@Suite struct LoadMeterTests {
    /// As the proxy counts a finished request.
    static func finish(_ counters: inout EndpointCounters, latency: Double, times: Int) {
        for _ in 0..<times {
            counters.requests += 1
            counters.latency.record(latency)
            counters.latencyBuckets[LatencyWindow.bucket(of: latency)] += 1
        }
    }

    @Test func eachWindowCarriesOnlyItsOwnRequestsAndLatencies() {
        var meter = LoadMeter()
        var counters = EndpointCounters()
        Self.finish(&counters, latency: 0.002, times: 10)
        let first = meter.load(slot: 3, counters: counters, window: 2)
        #expect(first.rps == 5)
        #expect(first.latency?.buckets == Self.buckets([2: 10]))
        #expect(abs((first.latency?.sum ?? 0) - 0.02) < 1e-12)

        Self.finish(&counters, latency: 0.1, times: 4)
        let second = meter.load(slot: 3, counters: counters, window: 1)
        #expect(second.rps == 4)
        #expect(second.latency?.buckets == Self.buckets([7: 4]))
        #expect(abs((second.latency?.sum ?? 0) - 0.4) < 1e-12)
        // Within the histogram's precision (3 sub-bucket bits: an eighth) of the true 100 ms.
        #expect(abs(second.p50 - 0.1) <= 0.1 / 8 && abs(second.p99 - 0.1) <= 0.1 / 8)

        // Nothing new: no latency window at all (idle endpoints add nothing to the recording).
        #expect(meter.load(slot: 3, counters: counters, window: 1).latency == nil)
    }

    /// Live and demo measure a window alike: the same latencies give the same p50 and p99
    /// as the simulator's (`LatencyHistogram.quantile`), so an alert on p99 fires alike.
    @Test func percentilesAreTheSimulatorsOwn() {
        var meter = LoadMeter()
        var counters = EndpointCounters()
        var simulated = LatencyHistogram()
        for i in 1...200 {
            let latency = 0.001 * Double(i % 37 + 1) + (i % 50 == 0 ? 0.4 : 0)
            Self.finish(&counters, latency: latency, times: 1)
            simulated.record(latency)
        }
        let load = meter.load(slot: 0, counters: counters, window: 1)
        #expect(load.p50 == simulated.quantile(0.5))
        #expect(load.p99 == simulated.quantile(0.99))
        #expect(load.p99 > 0.3)
    }

    static func buckets(_ counts: [Int: UInt32]) -> [UInt32] {
        (0...LatencyWindow.bounds.count).map { counts[$0] ?? 0 }
    }
}
