/// One host of a `DeadlineSchedule`: when it is due, its slot, and how far a pick moves it on
/// (`1 / weight`). All a pick needs is in these 16 bytes, so a pick reads no other table.
struct ScheduleEntry: Sendable, Equatable {
    var deadline: Double
    var slot: Int32
    var period: Float
}

/// Envoy's earliest-deadline-first schedule (`source/common/upstream/edf_scheduler.h`), the
/// weighted round-robin of its round-robin balancer: every host is
/// due at the time of its last pick plus `1 / weight`; a pick takes the host due first and puts
/// it back one period later. Over any stretch of picks a host's count stays within one of its
/// share, and a pick is O(log n) (a 4-ary heap), not the O(n) walk of nginx's smooth
/// round-robin.
///
/// The heap itself lives in the balancer (one array for every group, this group's at `offset`),
/// so that this value holds nothing and a balancer's copies keep their own turn. Where Envoy
/// rebuilds its scheduler on every host-set update (with a fixed number of seeded pre-picks),
/// mesh-top carries each staying host's place in the rotation over (its phase, see
/// `Balancer.update`): with host sets rebuilt every few hundred milliseconds, a restarted
/// schedule would favour whoever comes first in it.
struct DeadlineSchedule: Sendable {
    /// This group's heap in the balancer's schedule array.
    let offset: Int
    let count: Int

    /// The heap for hosts of these (positive) weights whose phases (fraction of a period until
    /// due, in 0...1) are given: sorted by deadline, which is a valid heap.
    static func entries(slots: [Int32], weights: [Double], phases: [Double]) -> [ScheduleEntry] {
        zip(slots, zip(weights, phases))
            .map { slot, wp in ScheduleEntry(deadline: wp.1 / wp.0, slot: slot, period: Float(1 / wp.0)) }
            .sorted { ($0.deadline, $0.slot) < ($1.deadline, $1.slot) }
    }

    /// The next host's slot, as Envoy's round-robin picks it: the host due first, put back one
    /// period later.
    @inline(__always)
    func pick(heap: inout ContiguousArray<ScheduleEntry>) -> Int32 {
        let count = self.count, offset = self.offset
        return heap.withUnsafeMutableBufferPointer { all in
            let heap = UnsafeMutableBufferPointer(rebasing: all[offset..<offset + count])
            var top = heap[0]
            top.deadline += Double(top.period)
            Self.siftDown(heap, top)
            return top.slot
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
