/// A service's endpoint slots by endpoint ID, as HAProxy finds a backend's server by name and
/// Envoy a host set's host: an open-addressing table (linear probing, at most 3/4 full) of the
/// slots alone. The IDs are not copied: the state holds each one, and `id` reads back the ID of
/// the slot a probe lands on. 4 bytes a bucket, 6.5 an endpoint at 10,000, where a
/// `[String: Int32]` kept a second copy of every ID (20 bytes a bucket, 33 an endpoint).
///
/// Hashed with the standard library's `Hasher` (SipHash, seeded per process): IDs come from
/// Consul registrations, and a hash known in advance would let a client register IDs that all
/// collide. Removal shifts the entries after it back (Knuth's algorithm R), so no tombstones.
struct SlotTable {
    /// `slot + 1` per bucket, 0 when empty; a power of two long, or empty.
    private var buckets: [Int32] = []
    private(set) var count = 0

    /// The slot of `key`; nil when none has it. `id(slot)` is the ID of a slot in the table.
    func slot(of key: String, id: (Int32) -> String) -> Int32? {
        guard !buckets.isEmpty else { return nil }
        let mask = buckets.count - 1
        var b = Self.home(of: key, mask)
        while buckets[b] != 0 {
            let slot = buckets[b] - 1
            if id(slot) == key { return slot }
            b = (b + 1) & mask
        }
        return nil
    }

    /// Makes `slot` the slot of `key`, in place of the one it had. Only the slots already in the
    /// table are read back (the new one need not be in the state yet).
    mutating func set(_ slot: Int32, for key: String, id: (Int32) -> String) {
        if (count + 1) * 4 > buckets.count * 3 { resize(to: max(16, buckets.count * 2), id: id) }
        let mask = buckets.count - 1
        var b = Self.home(of: key, mask)
        while buckets[b] != 0 {
            if id(buckets[b] - 1) == key { buckets[b] = slot + 1; return }
            b = (b + 1) & mask
        }
        buckets[b] = slot + 1
        count += 1
    }

    /// Sized for `count` IDs without growing: 4/3 of it, rounded up to a power of two.
    mutating func reserveCapacity(_ count: Int, id: (Int32) -> String) {
        var size = 16
        while count * 4 > size * 3 { size *= 2 }
        if size > buckets.count { resize(to: size, id: id) }
    }

    /// Forgets `key`. Called while its slot's ID can still be read back, as can every other's.
    mutating func remove(_ key: String, id: (Int32) -> String) {
        guard !buckets.isEmpty else { return }
        let mask = buckets.count - 1
        var hole = Self.home(of: key, mask)
        while buckets[hole] != 0, id(buckets[hole] - 1) != key { hole = (hole + 1) & mask }
        guard buckets[hole] != 0 else { return }
        buckets[hole] = 0
        count -= 1
        // Each entry after the hole in its run moves into it unless its home lies cyclically in
        // (hole, here]: then the hole does not cut its probe path.
        var here = hole
        while true {
            here = (here + 1) & mask
            guard buckets[here] != 0 else { return }
            let home = Self.home(of: id(buckets[here] - 1), mask)
            let stays = hole <= here ? (hole < home && home <= here) : (hole < home || home <= here)
            if !stays {
                buckets[hole] = buckets[here]
                buckets[here] = 0
                hole = here
            }
        }
    }

    private mutating func resize(to size: Int, id: (Int32) -> String) {
        let old = buckets
        buckets = [Int32](repeating: 0, count: size)
        let mask = size - 1
        for entry in old where entry != 0 {
            var b = Self.home(of: id(entry - 1), mask)
            while buckets[b] != 0 { b = (b + 1) & mask }
            buckets[b] = entry
        }
    }

    private static func home(of key: String, _ mask: Int) -> Int {
        key.hashValue & mask
    }
}
