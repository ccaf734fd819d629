import Foundation

/// Per-endpoint load the balancer keeps between picks, indexed by slot. Slots are stable, so the
/// arrays only grow and an endpoint keeps its numbers across host-set updates.
struct EndpointStats: Sendable {
    /// Linkerd's defaults: an unmeasured endpoint is assumed to answer in 30 ms, and an estimate
    /// forgets a peak over about 10 s.
    static let defaultRTT = 0.030
    static let decayTime = 10.0

    /// Requests started and not yet finished.
    private(set) var active: ContiguousArray<Int32> = []
    /// Peak-EWMA latency in seconds as of `stamp`; NaN until the first sample.
    private(set) var latency: ContiguousArray<Double> = []
    private(set) var stamp: ContiguousArray<Double> = []
    /// The latest `now` reported: picks carry no clock, so estimates decay up to this instant.
    private(set) var clock: Double = 0

    var count: Int { active.count }

    mutating func grow(to count: Int) {
        guard count > active.count else { return }
        let extra = count - active.count
        active.append(contentsOf: repeatElement(0, count: extra))
        latency.append(contentsOf: repeatElement(.nan, count: extra))
        stamp.append(contentsOf: repeatElement(0, count: extra))
    }

    mutating func start(_ slot: Int) {
        guard slot >= 0, slot < active.count else { return }
        active[slot] &+= 1
    }

    mutating func finish(_ slot: Int, latency sample: Double, now: Double) {
        guard slot >= 0, slot < active.count else { return }
        if active[slot] > 0 { active[slot] -= 1 }
        // A broken measurement must not poison the estimate (NaN would stick for good).
        guard sample.isFinite, sample >= 0, now.isFinite else { return }
        if now > clock { clock = now }
        let current = latency[slot]
        if current.isNaN || sample > current {
            // A peak replaces the estimate at once, so a slowing endpoint is avoided quickly.
            latency[slot] = sample
        } else {
            let decay = exp(-max(0, now - stamp[slot]) / Self.decayTime)
            latency[slot] = current * decay + sample * (1 - decay)
        }
        stamp[slot] = now
    }

    /// Linkerd's load: the estimate decayed toward zero since its last sample (so an idle slow
    /// endpoint is eventually tried again), times the requests it would have in flight. Returned
    /// as `base × exp(exponent)` so that comparing two loads takes one `exp`, not two.
    @inline(__always)
    func peakEWMALoad(_ slot: Int) -> (base: Double, exponent: Double) {
        let estimate = latency[slot]
        let inFlight = Double(active[slot] &+ 1)
        if estimate.isNaN { return (Self.defaultRTT * inFlight, 0) }
        return (estimate * inFlight, -max(0, clock - stamp[slot]) / Self.decayTime)
    }
}
