/// A random host, drawn with probability proportional to its weight (uniformly when all
/// weights are equal).
struct WeightedRandomPicker: Sendable {
    private let slots: ContiguousArray<Int32>
    /// Running sums of the weights; empty when the weights are equal.
    private let cumulative: ContiguousArray<UInt64>

    init(hosts: [HostSet.Host]) {
        slots = ContiguousArray(hosts.map(\.slot))
        if hosts.allSatisfy({ $0.weight == hosts.first?.weight }) {
            cumulative = []
        } else {
            var sum: UInt64 = 0
            cumulative = ContiguousArray(hosts.map { sum += UInt64($0.weight); return sum })
        }
    }

    @inline(__always)
    func pick(random: inout SeededRandom) -> Int32 {
        guard let total = cumulative.last else { return slots[random.below(slots.count)] }
        let draw = random.next().multipliedFullWidth(by: total).high
        // The first running sum above the draw.
        var low = 0
        var length = cumulative.count
        while length > 0 {
            let half = length >> 1
            if cumulative[low + half] <= draw {
                low += half + 1
                length -= half + 1
            } else {
                length = half
            }
        }
        return slots[low]
    }
}
