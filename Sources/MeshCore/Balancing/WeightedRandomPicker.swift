/// A random value (a host's slot, or a weight class) drawn with probability proportional to its
/// weight, in constant time by Vose's alias method: one uniform column, then a biased coin
/// between it and its alias. Envoy's random balancer picks uniformly; mesh-top's takes weights
/// (and so slow start), which with equal weights is the same.
struct WeightedRandomPicker: Sendable {
    private let values: FrozenTable<Int32>
    /// Column `i` keeps its own value when a 64-bit draw is below `threshold[i]`, else `alias[i]`.
    private let threshold: FrozenTable<UInt64>
    private let alias: FrozenTable<Int32>

    init(hosts: [HostSet.Host], arena: TableArena) {
        self.init(values: hosts.map(\.slot), weights: hosts.map { Double($0.weight) }, arena: arena)
    }

    /// `weights` are positive, one per value.
    init(values: [Int32], weights: [Double], arena: TableArena) {
        self.values = arena.table(values)
        let (threshold, alias) = Self.aliasTable(weights: weights)
        self.threshold = arena.table(threshold)
        self.alias = arena.table(alias)
    }

    /// Vose's table for `weights` (not negative, not all 0): column `i` keeps `i` when a
    /// uniform 64-bit coin is below `threshold[i]`, else `alias[i]`.
    static func aliasTable(weights: [Double]) -> (threshold: ContiguousArray<UInt64>, alias: ContiguousArray<Int32>) {
        let count = weights.count
        let total = weights.reduce(0, +)
        // Each column holds an average weight: scaled weights above 1 top up those below.
        var scaled = weights.map { $0 * Double(count) / total }
        var small = scaled.indices.filter { scaled[$0] < 1 }
        var large = scaled.indices.filter { scaled[$0] >= 1 }
        var threshold = ContiguousArray<UInt64>(repeating: .max, count: count)
        var alias = ContiguousArray<Int32>(0..<Int32(count))
        while let low = small.popLast(), let high = large.last {
            threshold[low] = UInt64(min(scaled[low] * 0x1p64, 0x1.FFFF_FFFF_FFFF_Fp63))
            alias[low] = Int32(high)
            scaled[high] -= 1 - scaled[low]
            if scaled[high] < 1 {
                large.removeLast()
                small.append(high)
            }
        }
        // What is left holds a full column, up to rounding.
        return (threshold, alias)
    }

    @inline(__always)
    func pick(random: inout SeededRandom) -> Int32 {
        let column = random.below(values.count)
        let own = random.next() < threshold[column]
        return values[own ? column : Int(alias[column])]
    }
}
