/// Memory for the tables a pick reads, owned by the balancer and freed together when an update
/// replaces them. Pickers hold plain pointers into it, which copy without reference counting:
/// retain/release of array storage was most of a pick's cost. The tables never change after
/// they are built, so copies of a balancer can share an arena.
///
/// `@unchecked Sendable`: `blocks` is appended to only while a balancer builds its tables, on
/// the one thread that owns it, before any copy of it goes to another loop; after that nothing
/// writes, and the memory is freed only when the last copy lets go of the arena.
final class TableArena: @unchecked Sendable {
    private var blocks: [UnsafeMutableRawPointer] = []

    init() {}

    func table<Elements: Collection>(_ elements: Elements) -> FrozenTable<Elements.Element>
    where Elements.Element: BitwiseCopyable {
        let buffer = UnsafeMutableBufferPointer<Elements.Element>.allocate(capacity: max(1, elements.count))
        _ = buffer.initialize(from: elements)
        blocks.append(UnsafeMutableRawPointer(buffer.baseAddress!))
        return FrozenTable(UnsafeBufferPointer(rebasing: buffer[..<elements.count]))
    }

    deinit {
        for block in blocks { block.deallocate() }
    }
}

/// A read-only view of a table in a `TableArena`; valid while the arena lives.
///
/// `@unchecked Sendable`: it points at memory that is never written after it is built (plain
/// values, `BitwiseCopyable`), kept alive by the arena every holder of a table also holds.
struct FrozenTable<Element: BitwiseCopyable>: @unchecked Sendable {
    let elements: UnsafeBufferPointer<Element>

    init(_ elements: UnsafeBufferPointer<Element>) { self.elements = elements }

    var count: Int { elements.count }

    @inline(__always)
    subscript(index: Int) -> Element { elements[index] }
}
