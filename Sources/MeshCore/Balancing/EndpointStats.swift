import Foundation

/// Per-endpoint load the balancer keeps between picks, indexed by slot. Slots are stable, so the
/// arrays only grow and an endpoint keeps its numbers across host-set updates.
struct EndpointStats: Sendable {
    /// Linkerd's default decay: an estimate forgets a peak over about 10 s.
    static let decayTime = 10.0
    /// Finagle's penalty for an endpoint with requests in flight and no answer yet (seconds):
    /// it took its first request and must answer before it takes more.
    static let unmeasuredPenalty = 1e6

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

    /// An endpoint that (re)joins the set is measured afresh, as tower and Finagle measure a
    /// service that discovery adds again: an estimate from before it left (or was ejected)
    /// says nothing about the process that answers now. Requests in flight still count.
    mutating func forgetLatency(_ slot: Int) {
        guard slot >= 0, slot < latency.count else { return }
        latency[slot] = .nan
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

    /// The load p2c-ewma compares, as `base × exp(exponent)` so that comparing two loads takes
    /// one `exp`, not two.
    ///
    /// Measured: Linkerd's cost, the estimate decayed toward zero since its last sample (so an
    /// idle slow endpoint is eventually tried again) times the requests it would have in flight.
    ///
    /// Unmeasured: Finagle's rule (`PeakEwma.scala`, `Metric.get`): no cost while idle, so a
    /// new endpoint is tried by the very next pick that draws it, and a penalty while its first
    /// requests are in flight, so it is not flooded before it has answered once. A fixed
    /// default RTT instead starves a newcomer whenever the others answer faster than the
    /// default (tower-rs/tower#134, fixed there by decaying the default).
    @inline(__always)
    func peakEWMALoad(_ slot: Int) -> (base: Double, exponent: Double) {
        let estimate = latency[slot]
        let inFlight = active[slot]
        if estimate.isNaN { return (inFlight == 0 ? 0 : Self.unmeasuredPenalty + Double(inFlight), 0) }
        return (estimate * Double(inFlight &+ 1), -max(0, clock - stamp[slot]) / Self.decayTime)
    }

    /// The estimate decayed to `clock`, in seconds; nil before the first sample.
    func estimate(_ slot: Int) -> Double? {
        guard slot >= 0, slot < latency.count, !latency[slot].isNaN else { return nil }
        return latency[slot] * exp(-max(0, clock - stamp[slot]) / Self.decayTime)
    }
}
