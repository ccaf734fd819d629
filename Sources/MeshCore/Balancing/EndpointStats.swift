import Foundation

/// Per-endpoint load the balancer keeps between picks, indexed by slot. Slots are stable, so the
/// arrays only grow and an endpoint keeps its numbers across host-set updates.
struct EndpointStats: Sendable {
    /// Linkerd's default decay: an estimate forgets a peak over about 10 s.
    static let decayTime = 10.0
    /// Finagle's penalty for an endpoint with requests in flight and no answer yet (seconds):
    /// it took its first request and must answer before it takes more.
    static let unmeasuredPenalty = 1e6

    /// One endpoint's numbers side by side, so that a power-of-two pick reads one cache line
    /// per candidate, not one per number.
    struct Slot: Sendable {
        /// Peak-EWMA latency in seconds as of `stamp`; NaN until the first sample.
        var latency = Double.nan
        var stamp = 0.0
        /// Requests started and not yet finished.
        var active: Int32 = 0
        /// The weight the balancer's current host set gives the endpoint, 0 when it is not in
        /// the set (for `Balancer.view`). Here, in what was the slot's padding, it costs no memory.
        var weight: UInt32 = 0
    }

    private(set) var slots: ContiguousArray<Slot> = []
    /// When set (`Balancer.shareRequestsInFlight`), requests in flight are counted here, across
    /// every copy of the balancer, instead of in `slots`.
    var shared: SharedInFlight?
    /// The latest `now` reported: picks carry no clock, so estimates decay up to this instant.
    private(set) var clock: Double = 0

    var count: Int { slots.count }

    /// Requests in flight on `slot` (in range).
    @inline(__always)
    func active(_ slot: Int) -> Int32 {
        if let shared { return shared.count(slot) }
        return slots[slot].active
    }

    mutating func grow(to count: Int) {
        shared?.grow(to: count)
        guard count > slots.count else { return }
        slots.append(contentsOf: repeatElement(Slot(), count: count - slots.count))
    }

    func weight(_ slot: Int) -> UInt32 { slots[slot].weight }

    mutating func setWeight(_ slot: Int, _ weight: UInt32) {
        slots[slot].weight = weight
    }

    /// An endpoint that (re)joins the set is measured afresh, as tower and Finagle measure a
    /// service that discovery adds again: an estimate from before it left (or was ejected)
    /// says nothing about the process that answers now. Requests in flight still count.
    mutating func forgetLatency(_ slot: Int) {
        guard slot >= 0, slot < slots.count else { return }
        slots[slot].latency = .nan
    }

    mutating func start(_ slot: Int) {
        guard slot >= 0, slot < slots.count else { return }
        if let shared { return shared.start(slot) }
        slots[slot].active &+= 1
    }

    mutating func finish(_ slot: Int, latency sample: Double, now: Double) {
        guard slot >= 0, slot < slots.count else { return }
        if let shared {
            shared.finish(slot)
        } else if slots[slot].active > 0 {
            slots[slot].active -= 1
        }
        // No measurement (NaN: the request timed nothing of the endpoint) or a broken one leaves
        // the estimate as it is (NaN would stick for good).
        guard sample.isFinite, sample >= 0, now.isFinite else { return }
        if now > clock { clock = now }
        // The estimate as picks have seen it: decayed toward zero since its last sample, as
        // tower's `RttEstimate` decays it on every read. Stepping from the stored value instead
        // pulled an endpoint back up to its old peak when it was picked again after avoiding it,
        // so it was avoided again (one slow answer cost an endpoint most of case 07's 30 s).
        let decay = exp(-max(0, now - slots[slot].stamp) / Self.decayTime)
        let seen = slots[slot].latency * decay
        if seen.isNaN || sample > seen {
            // A peak replaces the estimate at once, so a slowing endpoint is avoided quickly.
            slots[slot].latency = sample
        } else {
            slots[slot].latency = seen * decay + sample * (1 - decay)
        }
        slots[slot].stamp = now
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
        let numbers = slots[slot]
        let inFlight = active(slot)
        if numbers.latency.isNaN { return (inFlight == 0 ? 0 : Self.unmeasuredPenalty + Double(inFlight), 0) }
        return (numbers.latency * Double(inFlight &+ 1), -max(0, clock - numbers.stamp) / Self.decayTime)
    }

    /// The estimate decayed to `clock`, in seconds; nil before the first sample.
    func estimate(_ slot: Int) -> Double? {
        guard slot >= 0, slot < slots.count, !slots[slot].latency.isNaN else { return nil }
        return slots[slot].latency * exp(-max(0, clock - slots[slot].stamp) / Self.decayTime)
    }
}
