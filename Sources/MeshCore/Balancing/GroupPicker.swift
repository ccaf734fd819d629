/// One group's picking state, as a concrete algorithm per case: a pick is a switch and a direct
/// call, with no existential or dynamic dispatch on the hot path. Every payload holds only
/// pointers into a `TableArena`, so a pick copies nothing that is reference-counted.
///
/// Which case a balancer kind uses depends on the group, as in Envoy: equal weights rotate
/// (round-robin) or compare two random hosts (least-request); unequal weights, slow start
/// included, go through the earliest-deadline-first schedule (round-robin) or compare two
/// hosts drawn by weight (least-request).
enum GroupPicker: Sendable {
    /// round-robin and weighted-round-robin, equal weights.
    case rotation(RoundRobinPicker)
    /// round-robin while a host ramps up, weighted-round-robin with unequal weights.
    case schedule(DeadlineSchedule)
    /// least-request with unequal weights: HAProxy's `random(2)`, in flight per weight.
    case weightedLeastRequest(WeightedLeastRequest)
    /// least-request with equal weights: Envoy's P2C on requests in flight.
    case leastRequest(PowerOfTwoChoices)
    case peakEWMA(PowerOfTwoChoices)
    case random(WeightedRandomPicker)
    case ringHash(HashRing)
    case maglev(MaglevTable)
}
