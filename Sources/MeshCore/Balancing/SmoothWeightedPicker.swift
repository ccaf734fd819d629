/// nginx's smooth weighted round-robin: every pick adds each host's weight to its current
/// value, takes the largest (first on ties) and subtracts the total from it. Weights 5,1,1
/// give a a b a c a a: heavy hosts are spread out rather than picked in bursts.
///
/// A pick is O(hosts). The current values are kept by the caller (so this value holds only
/// frozen tables) and restart from zero on every update, as nginx's do on reload.
struct SmoothWeightedPicker: Sendable {
    private let slots: FrozenTable<Int32>
    private let weights: FrozenTable<Int64>
    private let total: Int64
    /// With equal weights the sequence is plain round-robin; this skips the O(hosts) scan.
    private let uniform: Bool

    init(hosts: [HostSet.Host], arena: TableArena) {
        slots = arena.table(hosts.lazy.map(\.slot))
        let weights = hosts.map { Int64($0.weight) }
        self.weights = arena.table(weights)
        total = weights.reduce(0, +)
        uniform = weights.allSatisfy { $0 == weights.first }
    }

    @inline(__always)
    func pick(current: inout ContiguousArray<Int64>, cursor: inout Int) -> Int32 {
        if uniform {
            if cursor >= slots.count { cursor = 0 }
            let slot = slots[cursor]
            cursor += 1
            return slot
        }
        if current.count != slots.count { current = ContiguousArray(repeating: 0, count: slots.count) }
        let total = self.total
        let weights = self.weights.elements
        let best = current.withUnsafeMutableBufferPointer { current in
            var best = 0
            var bestValue = Int64.min
            for index in 0..<current.count {
                let value = current[index] + weights[index]
                current[index] = value
                if value > bestValue { bestValue = value; best = index }
            }
            current[best] -= total
            return best
        }
        return slots[best]
    }
}
