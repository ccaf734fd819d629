import Foundation

/// Ketama-style consistent hashing: each host owns points on a 32-bit ring in proportion to its
/// weight; a request goes to the first point at or after its hash. When a host leaves, only the
/// keys on its points move.
///
/// Points are 32-bit (as in ketama) and kept as two parallel arrays, 8 bytes a point, so that
/// 10k endpoints cost about 128 bytes each. A bucket index over the top bits of the position
/// (one entry per four points) narrows the binary search to a few points, so a lookup touches
/// two or three cache lines instead of seventeen.
struct HashRing: Sendable {
    /// Envoy's `minimum_ring_size`: small sets still get enough points to spread evenly.
    static let minimumSize = 1024
    /// Points per host on average beyond the minimum: evenness against memory.
    static let pointsPerHost = 16
    static let maximumSize = 1 << 23

    private let positions: FrozenTable<UInt32>
    private let owners: FrozenTable<Int32>
    /// `buckets[b]` is the first point whose position's top bits are at least `b`.
    private let buckets: FrozenTable<UInt32>
    private let bucketShift: UInt32

    var count: Int { positions.count }

    init(hosts: [HostSet.Host], arena: TableArena) {
        let scale = Self.pointsPerWeight(hosts)
        // Each point is its position in the high half and the host's index in the low half, so
        // one integer sort orders the ring (ties broken by host order, deterministically).
        var points: [UInt64] = []
        points.reserveCapacity(Int(scale * Double(hosts.reduce(0) { $0 + UInt64($1.weight) })) + hosts.count)
        for (index, host) in hosts.enumerated() {
            let share = max(1, Int((Double(host.weight) * scale).rounded()))
            for replica in 0..<UInt64(share) {
                let position = StableHash.mix(host.key &+ replica &* 0x9E37_79B9_7F4A_7C15) >> 32
                points.append(position << 32 | UInt64(index))
            }
        }
        points.sort()
        let positions = ContiguousArray(points.lazy.map { UInt32(truncatingIfNeeded: $0 >> 32) })
        self.positions = arena.table(positions)
        owners = arena.table(points.lazy.map { hosts[Int($0 & 0xFFFF_FFFF)].slot })
        let bits = max(1, min(24, Int.bitWidth - (points.count / 4).leadingZeroBitCount))
        let shift = UInt32(32 - bits)
        var buckets = ContiguousArray<UInt32>(repeating: 0, count: (1 << bits) + 1)
        var point = 0
        for bucket in 0..<buckets.count {
            while point < positions.count, UInt64(positions[point]) >> shift < UInt64(bucket) { point += 1 }
            buckets[bucket] = UInt32(point)
        }
        self.buckets = arena.table(buckets)
        bucketShift = shift
    }

    /// Points per unit of weight, a power of two near `pointsPerHost` on average and at least
    /// enough for `minimumSize`. Being a power of two, it rarely changes when a host comes or
    /// goes, and then the survivors keep exactly their points: only the leaver's keys move
    /// (with a scale that tracked the total, as Envoy's does, every survivor would gain or lose
    /// points and keys would move among them too).
    static func pointsPerWeight(_ hosts: [HostSet.Host]) -> Double {
        let totalWeight = Double(hosts.reduce(UInt64(0)) { $0 + UInt64($1.weight) })
        guard totalWeight > 0 else { return 1 }
        let wanted = Double(hosts.count * pointsPerHost) / totalWeight
        let floor = Double(minimumSize) / totalWeight
        let scale = max(exp2(log2(wanted).rounded()), exp2(log2(floor).rounded(.up)))
        return min(scale, Double(maximumSize) / totalWeight)
    }

    /// The owner of the first point at or after the hash's high 32 bits, wrapping around.
    @inline(__always)
    func pick(hash: UInt64) -> Int32 {
        let key = UInt32(truncatingIfNeeded: hash >> 32)
        let bucket = Int(key >> bucketShift)
        let first = Int(buckets[bucket]), end = Int(buckets[bucket + 1])
        let positions = self.positions.elements
        let index: Int = {
            var low = first
            var length = end - first
            while length > 0 {
                let half = length >> 1
                if positions[low + half] < key {
                    low += half + 1
                    length -= half + 1
                } else {
                    length = half
                }
            }
            return low == positions.count ? 0 : low
        }()
        return owners[index]
    }
}
