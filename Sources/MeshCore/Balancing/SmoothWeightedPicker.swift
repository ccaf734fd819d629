/// nginx's smooth weighted round-robin: every pick adds each host's weight to its current
/// value, takes the largest (first on ties) and subtracts the total from it. Weights 5,1,1
/// give a a b a c a a: heavy hosts are spread out rather than picked in bursts.
///
/// A pick is O(hosts). State restarts from zero on every update, as nginx does on reload.
struct SmoothWeightedPicker: Sendable {
    private let slots: ContiguousArray<Int32>
    private let weights: ContiguousArray<Int64>
    private var current: ContiguousArray<Int64>
    private let total: Int64
    /// With equal weights the sequence is plain round-robin; this skips the O(hosts) scan.
    private let uniform: Bool
    private var cursor = 0

    init(hosts: [HostSet.Host]) {
        slots = ContiguousArray(hosts.map(\.slot))
        let weights = ContiguousArray(hosts.map { Int64($0.weight) })
        self.weights = weights
        current = ContiguousArray(repeating: 0, count: hosts.count)
        total = weights.reduce(0, +)
        uniform = weights.allSatisfy { $0 == weights.first }
    }

    @inline(__always)
    mutating func pick() -> Int32 {
        if uniform {
            let slot = slots[cursor]
            cursor += 1
            if cursor == slots.count { cursor = 0 }
            return slot
        }
        let total = self.total
        let best = weights.withUnsafeBufferPointer { weights in
            current.withUnsafeMutableBufferPointer { current in
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
        }
        return slots[best]
    }
}
