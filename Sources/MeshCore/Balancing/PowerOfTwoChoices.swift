import Foundation

/// Power of two choices: draw two distinct hosts at random and keep the less loaded one. Both
/// least-request and p2c-ewma use it; they differ in how they score load.
struct PowerOfTwoChoices: Sendable {
    private let slots: FrozenTable<Int32>
    private let weights: FrozenTable<UInt64>

    init(hosts: [HostSet.Host], arena: TableArena) {
        slots = arena.table(hosts.lazy.map(\.slot))
        weights = arena.table(hosts.lazy.map { UInt64($0.weight) })
    }

    /// Envoy's least-request with active-request bias 1.0: score = weight / (active + 1), the
    /// higher wins. Compared by cross-multiplying, so no division on the hot path.
    @inline(__always)
    func pickLeastRequest(random: inout SeededRandom, stats: EndpointStats) -> Int32 {
        guard slots.count > 1 else { return slots[0] }
        let (first, second) = draw(&random)
        let slotA = slots[first], slotB = slots[second]
        let activeA = UInt64(clamping: stats.active[Int(slotA)]) &+ 1
        let activeB = UInt64(clamping: stats.active[Int(slotB)]) &+ 1
        return weights[second] &* activeA > weights[first] &* activeB ? slotB : slotA
    }

    /// Linkerd's p2c with peak-EWMA: cost = latency estimate × (active + 1), the lower wins.
    /// The cost is divided by weight so that re-weighting and slow start act on this balancer
    /// too; with equal weights that changes nothing.
    @inline(__always)
    func pickPeakEWMA(random: inout SeededRandom, stats: EndpointStats) -> Int32 {
        guard slots.count > 1 else { return slots[0] }
        let (first, second) = draw(&random)
        let slotA = slots[first], slotB = slots[second]
        let loadA = stats.peakEWMALoad(Int(slotA)), loadB = stats.peakEWMALoad(Int(slotB))
        let costA = loadA.base * Double(weights[second]) * exp(loadA.exponent - loadB.exponent)
        let costB = loadB.base * Double(weights[first])
        return costB < costA ? slotB : slotA
    }

    /// Two distinct indices, uniformly.
    @inline(__always)
    private func draw(_ random: inout SeededRandom) -> (Int, Int) {
        let first = random.below(slots.count)
        var second = random.below(slots.count - 1)
        if second >= first { second += 1 }
        return (first, second)
    }
}
