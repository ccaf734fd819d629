import Foundation

/// Ketama consistent hashing as Envoy's ring hash does it (`ring_hash_lb.cc`): each host owns
/// points on a 32-bit ring, hashed from its identity (`key`) and a replica number, in
/// proportion to its weight; a request goes to the first point at or after its hash.
///
/// Envoy's docs promise that adding or removing one of N hosts affects only 1/N of the
/// requests; its code sizes the ring from the whole set (every host gets `min_ring_size`
/// divided among the hosts), so when one leaves the survivors gain points and keys move
/// between them too (envoyproxy/envoy#22558). Here a host's point count depends on its own
/// weight only — `pointsPerWeight` points per unit, replicas 0, 1, 2… — so a host leaving,
/// joining or being re-weighted moves only keys to or from that host. Only a ring that would
/// pass `maximumSize` points gets fewer points per unit (halved at each doubling of the total
/// weight), and that rescale, at sizes far above the usual, moves keys among survivors.
///
/// Points are kept as two parallel arrays, 8 bytes a point. A bucket index over the top bits of
/// the position (one entry per four points) narrows the binary search to a few points, so a
/// lookup touches two or three cache lines instead of seventeen.
struct HashRing: Sendable {
    /// Points per unit of effective weight: 2,500 for an endpoint of the default weight (100 ×
    /// the planner's scale of 100), 25 for weight 1 (Envoy's minimum ring of 1,024 spread over
    /// forty such hosts).
    static let pointsPerWeight = 0.25
    /// The ring never holds more points (8 bytes each) than this.
    static let maximumSize = 1 << 19

    private let positions: FrozenTable<UInt32>
    private let owners: FrozenTable<Int32>
    /// `buckets[b]` is the first point whose position's top bits are at least `b`.
    private let buckets: FrozenTable<UInt32>
    private let bucketShift: UInt32

    var count: Int { positions.count }

    /// `share` hears each host's slot and fraction of the ring.
    init(hosts: [HostSet.Host], arena: TableArena, share: (Int32, Double) -> Void) {
        // Sorted by identity, so that ties between points (same 32-bit position) go the same
        // way whatever the order of the set.
        let hosts = hosts.sorted { $0.key < $1.key }
        let scale = Self.pointsPerWeight(hosts)
        // Each point is its position in the high half and the host's index in the low half, so
        // one integer sort orders the ring.
        var points: [UInt64] = []
        points.reserveCapacity(Int(scale * Double(hosts.reduce(UInt64(0)) { $0 + UInt64($1.weight) })) + hosts.count)
        for (index, host) in hosts.enumerated() {
            for replica in 0..<UInt64(Self.points(weight: host.weight, scale: scale)) {
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
        // A point owns the arc since the point before it (the first one wraps around).
        var owned = [Double](repeating: 0, count: hosts.count)
        var previous = Int64(positions.last ?? 0) - (1 << 32)
        for (i, point) in points.enumerated() {
            owned[Int(point & 0xFFFF_FFFF)] += Double(Int64(positions[i]) - previous) / 0x1p32
            previous = Int64(positions[i])
        }
        for (index, host) in hosts.enumerated() { share(host.slot, owned[index]) }
    }

    /// Points per unit of weight: `pointsPerWeight`, halved as often as it takes to keep the
    /// ring within `maximumSize`. A function of the total weight only above that size.
    static func pointsPerWeight(_ hosts: [HostSet.Host]) -> Double {
        let total = Double(hosts.reduce(UInt64(0)) { $0 + UInt64($1.weight) })
        guard total * pointsPerWeight > Double(maximumSize) else { return pointsPerWeight }
        return exp2((log2(Double(maximumSize) / total)).rounded(.down))
    }

    /// A host's points: its weight times the scale, at least one.
    static func points(weight: UInt32, scale: Double) -> Int {
        max(1, Int((Double(weight) * scale).rounded()))
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
