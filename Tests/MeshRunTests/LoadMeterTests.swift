import MeshCore
import MeshProxy
import Testing
@testable import MeshRun

/// The proxy's running counters become one window's load: differences, not totals.
@Suite struct LoadMeterTests {
    @Test func eachWindowCarriesOnlyItsOwnRequestsAndLatencies() {
        var meter = LoadMeter()
        var counters = EndpointCounters()
        counters.requests = 10
        counters.latencySum = 0.02
        counters.latencyBuckets[LatencyWindow.bucket(of: 0.002)] = 10
        let first = meter.load(slot: 3, counters: counters, window: 2)
        #expect(first.rps == 5)
        #expect(first.latency == LatencyWindow(buckets: Self.buckets([2: 10]), sum: 0.02))

        counters.requests = 14
        counters.latencySum = 0.42
        counters.latencyBuckets[LatencyWindow.bucket(of: 0.1)] += 4
        let second = meter.load(slot: 3, counters: counters, window: 1)
        #expect(second.rps == 4)
        #expect(second.latency?.buckets == Self.buckets([7: 4]))
        #expect(abs((second.latency?.sum ?? 0) - 0.4) < 1e-12)
        #expect(second.p50 > 0.05 && second.p50 <= 0.1)

        // Nothing new: no latency window at all (idle endpoints add nothing to the recording).
        #expect(meter.load(slot: 3, counters: counters, window: 1).latency == nil)
    }

    static func buckets(_ counts: [Int: UInt32]) -> [UInt32] {
        (0...LatencyWindow.bounds.count).map { counts[$0] ?? 0 }
    }
}
