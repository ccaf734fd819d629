/// Round-robin over a group's hosts, ignoring weights. The turn is kept by the caller, so a pick
/// only reads this value.
struct RoundRobinPicker: Sendable {
    private let slots: FrozenTable<Int32>

    var count: Int { slots.count }

    init(hosts: [HostSet.Host], arena: TableArena) {
        slots = arena.table(hosts.lazy.map(\.slot))
    }

    @inline(__always)
    func pick(cursor: inout Int) -> Int32 {
        if cursor >= slots.count { cursor = 0 }
        let slot = slots[cursor]
        cursor += 1
        return slot
    }
}
