import Foundation

/// Power of two choices: draw two distinct hosts at random and keep the less loaded one
/// (Mitzenmacher). Least-request (equal weights) and p2c-ewma use it; they differ in how they
/// score load.
///
/// Weights, as Finagle's `TrafficDistributor` handles them for its p2c balancers: hosts of
/// equal weight form a class, a pick first draws a class with probability proportional to its
/// total weight, then compares two hosts of that class. So with equal load every host gets
/// exactly its weight's share, and a heavier host never starves a lighter one (scoring load
/// divided by weight inside one pair would send every request to the heavier of the two).
struct PowerOfTwoChoices: Sendable {
    /// Slots grouped by class, each class contiguous.
    private let slots: FrozenTable<Int32>
    /// Class `c` holds `slots[start[c]..<start[c + 1]]`.
    private let start: FrozenTable<Int32>
    private let classes: WeightedRandomPicker
    private let classCount: Int

    init(hosts: [HostSet.Host], arena: TableArena) {
        // By weight, then identity, so that the classes do not depend on the set's order.
        let sorted = hosts.sorted { ($0.weight, $0.key) < ($1.weight, $1.key) }
        var starts: [Int32] = []
        for (index, host) in sorted.enumerated() where index == 0 || sorted[index - 1].weight != host.weight {
            starts.append(Int32(index))
        }
        let weights = starts.indices.map { c in
            let end = c + 1 < starts.count ? Int(starts[c + 1]) : sorted.count
            return Double(sorted[Int(starts[c])].weight) * Double(end - Int(starts[c]))
        }
        slots = arena.table(sorted.map(\.slot))
        start = arena.table(starts + [Int32(sorted.count)])
        classCount = starts.count
        classes = WeightedRandomPicker(values: Array(Int32(0)..<Int32(starts.count)), weights: weights, arena: arena)
    }

    /// Envoy's least-request with equal weights: of two random hosts, the one with fewer
    /// requests in flight (the first drawn on a tie).
    @inline(__always)
    func pickLeastRequest(random: inout SeededRandom, stats: borrowing EndpointStats, trace: inout PickTrace) -> Int32 {
        let (a, b) = draw(&random)
        guard a != b else { return a }
        let activeA = stats.active(Int(a)), activeB = stats.active(Int(b))
        let picked = activeB < activeA ? b : a
        if trace.due() {
            trace.record(.init(a: a, b: b, baseA: Double(activeA), exponentA: 0, baseB: Double(activeB), exponentB: 0, picked: picked))
        }
        return picked
    }

    /// Linkerd's p2c with peak-EWMA: cost = latency estimate × (active + 1), the lower wins
    /// (see `EndpointStats.peakEWMALoad` for endpoints without a measurement).
    @inline(__always)
    func pickPeakEWMA(random: inout SeededRandom, stats: borrowing EndpointStats, trace: inout PickTrace) -> Int32 {
        let (a, b) = draw(&random)
        guard a != b else { return a }
        let loadA = stats.peakEWMALoad(Int(a)), loadB = stats.peakEWMALoad(Int(b))
        // base × exp(exponent) compared with one exp.
        let costA = loadA.base * exp(loadA.exponent - loadB.exponent)
        let picked = loadB.base < costA ? b : a
        if trace.due() {
            trace.record(.init(a: a, b: b, baseA: loadA.base, exponentA: loadA.exponent, baseB: loadB.base,
                               exponentB: loadB.exponent, picked: picked))
        }
        return picked
    }

    /// Two distinct slots of one class, uniformly (the same slot twice when the class has one).
    @inline(__always)
    private func draw(_ random: inout SeededRandom) -> (Int32, Int32) {
        var first = 0, count = slots.count
        if classCount > 1 {
            let c = Int(classes.pick(random: &random))
            first = Int(start[c])
            count = Int(start[c + 1]) - first
        }
        guard count > 1 else { return (slots[first], slots[first]) }
        let a = random.below(count)
        var b = random.below(count - 1)
        if b >= a { b += 1 }
        return (slots[first + a], slots[first + b])
    }
}
