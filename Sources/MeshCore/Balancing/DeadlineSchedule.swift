/// One entry of a `DeadlineSchedule`: a host (index into the group's tables) and when it is due.
struct ScheduleEntry: Sendable, Equatable {
    var deadline: Double
    var host: Int32
}

/// Envoy's earliest-deadline-first schedule (`source/common/upstream/edf_scheduler.h`), the
/// weighted round-robin of its round-robin and weighted least-request balancers: every host is
/// due at the time of its last pick plus `1 / weight`; a pick takes the host due first and puts
/// it back one period later. Over any stretch of picks a host's count stays within one of its
/// share, and a pick is O(log n) (a 4-ary heap), not the O(n) walk of nginx's smooth
/// round-robin.
///
/// The heap itself lives in the balancer (one array for every group, this group's at `offset`),
/// so that this value holds only frozen tables and a balancer's copies keep their own turn.
/// Where Envoy rebuilds its scheduler on every host-set update (with a fixed number of seeded
/// pre-picks), mesh-top carries each staying host's place in the rotation over (its phase, see
/// `Balancer.update`): with host sets rebuilt every few hundred milliseconds, a restarted
/// schedule would favour whoever comes first in it.
struct DeadlineSchedule: Sendable {
    private let slots: FrozenTable<Int32>
    /// `1 / weight` of each host: how far a pick moves its deadline on.
    private let periods: FrozenTable<Double>
    /// This group's heap in the balancer's schedule array.
    let offset: Int

    var count: Int { slots.count }

    /// `weights` are positive; `offset` is where this group's `count` entries go.
    init(slots: [Int32], weights: [Double], offset: Int, arena: TableArena) {
        self.slots = arena.table(slots)
        periods = arena.table(weights.lazy.map { 1 / $0 })
        self.offset = offset
    }

    func slot(at host: Int) -> Int32 { slots[host] }
    func period(at host: Int) -> Double { periods[host] }

    /// The heap for hosts whose phases (fraction of a period until due, in 0...1) are given:
    /// sorted by deadline, which is a valid heap.
    func entries(phases: [Double]) -> [ScheduleEntry] {
        phases.enumerated()
            .map { ScheduleEntry(deadline: $1 * periods[$0], host: Int32($0)) }
            .sorted { ($0.deadline, $0.host) < ($1.deadline, $1.host) }
    }

    /// The next host's slot, as Envoy's round-robin picks it.
    @inline(__always)
    func pick(heap: inout ContiguousArray<ScheduleEntry>) -> Int32 {
        advance(&heap) { _ in 1 }
    }

    /// Envoy's weighted least-request: the picked host goes back with its weight divided by
    /// its requests in flight plus one (`active_request_bias` 1.0), so a busy host comes round
    /// later; with nothing in flight it is weighted round-robin.
    @inline(__always)
    func pickLeastRequest(heap: inout ContiguousArray<ScheduleEntry>, stats: borrowing EndpointStats) -> Int32 {
        advance(&heap) { slot in Double(stats.active[Int(slot)] &+ 1) }
    }

    /// Takes the host due first and puts it back `period × stretch(slot)` later.
    @inline(__always)
    private func advance(_ heap: inout ContiguousArray<ScheduleEntry>, stretch: (Int32) -> Double) -> Int32 {
        let count = self.count, offset = self.offset
        return heap.withUnsafeMutableBufferPointer { all in
            let heap = UnsafeMutableBufferPointer(rebasing: all[offset..<offset + count])
            let top = heap[0]
            let host = Int(top.host)
            let slot = slots[host]
            let next = ScheduleEntry(deadline: top.deadline + periods[host] * stretch(slot), host: top.host)
            Self.siftDown(heap, next)
            return slot
        }
    }

    /// Puts `entry` at the root and lets it sink to its place. A 4-ary heap: half the levels
    /// of a binary one, and a node's four children sit side by side in memory.
    @inline(__always)
    private static func siftDown(_ heap: UnsafeMutableBufferPointer<ScheduleEntry>, _ entry: ScheduleEntry) {
        let count = heap.count
        var index = 0
        while true {
            let first = 4 &* index &+ 1
            if first >= count { break }
            var best = first
            var bestDeadline = heap[first].deadline
            var child = first &+ 1
            let end = min(first &+ 4, count)
            while child < end {
                let deadline = heap[child].deadline
                if deadline < bestDeadline { best = child; bestDeadline = deadline }
                child &+= 1
            }
            if !(bestDeadline < entry.deadline) { break }
            heap[index] = heap[best]
            index = best
        }
        heap[index] = entry
    }
}
