/// Round-robin over a group's hosts, ignoring weights.
struct RoundRobinPicker: Sendable {
    private let slots: ContiguousArray<Int32>
    private var cursor: Int

    /// Starts at a seeded position so that the balancers of several event loops do not all
    /// send their first request to the same host after every update.
    init(hosts: [HostSet.Host], random: inout SeededRandom) {
        slots = ContiguousArray(hosts.map(\.slot))
        cursor = random.below(slots.count)
    }

    @inline(__always)
    mutating func pick() -> Int32 {
        let slot = slots[cursor]
        cursor += 1
        if cursor == slots.count { cursor = 0 }
        return slot
    }
}
