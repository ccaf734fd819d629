import Foundation

/// Recent picks of a power-of-two-choices balancer, both candidates and the loads it
/// compared, so the dashboard can show why traffic goes where it goes. One pick in `every` is
/// kept (a sample of the recent ones: the pick path pays a counter, not a record), in a ring of
/// fixed size written in place that allocates nothing (it is reserved when the balancer is
/// made; a copy's first write copies it once, as `EndpointStats` does).
struct PickTrace: Sendable {
    static let capacity = 8
    static let every: UInt8 = 8

    /// Loads as the picker compares them: `base × exp(exponent)` (least-request: in flight, 0).
    struct Entry: Sendable, Equatable {
        var a: Int32
        var b: Int32
        var baseA: Double
        var exponentA: Double
        var baseB: Double
        var exponentB: Double
        var picked: Int32

        var scoreA: Double { baseA == 0 ? 0 : baseA * exp(exponentA) }
        var scoreB: Double { baseB == 0 ? 0 : baseB * exp(exponentB) }
    }

    private var ring: ContiguousArray<Entry>
    private var next = 0
    private var countdown: UInt8 = 1

    /// Whether this pick is one to keep.
    @inline(__always)
    mutating func due() -> Bool {
        countdown &-= 1
        guard countdown == 0 else { return false }
        countdown = Self.every
        return true
    }

    init() {
        ring = []
        ring.reserveCapacity(Self.capacity)
    }

    @inline(__always)
    mutating func record(_ entry: Entry) {
        if ring.count < Self.capacity { ring.append(entry) } else { ring[next] = entry }
        next = next + 1 == Self.capacity ? 0 : next + 1
    }

    /// Newest first.
    var entries: [Entry] {
        guard !ring.isEmpty else { return [] }
        let newest = (next - 1 + ring.count) % ring.count
        return (0..<ring.count).map { ring[(newest - $0 + ring.count) % ring.count] }
    }
}
