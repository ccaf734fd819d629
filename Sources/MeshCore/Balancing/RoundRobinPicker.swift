/// Round-robin over a group's hosts of equal weight, in the order given. The turn is kept by
/// the caller, so a pick only reads this value.
struct RoundRobinPicker: Sendable {
    private let slots: FrozenTable<Int32>

    var count: Int { slots.count }

    init(slots: [Int32], arena: TableArena) {
        self.slots = arena.table(slots)
    }

    func slot(at position: Int) -> Int32 { slots[position] }

    @inline(__always)
    func pick(cursor: inout Int) -> Int32 {
        if cursor >= slots.count { cursor = 0 }
        let slot = slots[cursor]
        cursor += 1
        return slot
    }
}
