/// Google's Maglev consistent hashing (Eisenbud et al., NSDI 2016, §3.4): a lookup table of
/// prime size filled by letting every host claim entries in its own permutation order, so hosts
/// end up with near-equal shares (each ⌊M/N⌋ or ⌈M/N⌉ entries with equal weights: the paper's
/// "M > 100 × N keeps shares within 1%") and a host leaving moves little more than its own
/// entries (Envoy's docs: about twice what a ring moves). Lookup is one load: table[hash % M].
///
/// Weighted as Envoy's `maglev_lb.cc`: a host of weight w takes a turn in w / max-weight of the
/// rounds (weights 1 and 2 get 21,846 and 43,691 of the 65,537 entries, as Envoy's docs say),
/// and hosts take their turns in the order of their identity, not of the set, so the same hosts
/// always give the same table.
struct MaglevTable: Sendable {
    /// Envoy's default table size, a prime; about 6 entries a host at 10k hosts.
    static let size = 65537

    /// The slot owning each entry.
    private let table: FrozenTable<Int32>

    /// `share` hears each host's slot and fraction of the table.
    init(hosts: [HostSet.Host], arena: TableArena, share: (Int32, Double) -> Void) {
        let hosts = hosts.sorted { $0.key < $1.key }
        let size = UInt64(Self.size)
        let count = hosts.count
        // Each host's permutation is offset + n × skip (mod size), walked incrementally.
        var position = hosts.map { StableHash.mix($0.key ^ 0x6D61_676C_6576_3031) % size }
        let skip = hosts.map { StableHash.mix($0.key ^ 0x6D61_676C_6576_3032) % (size - 1) + 1 }
        let weight = hosts.map { UInt64($0.weight) }
        let maximumWeight = weight.max() ?? 1
        var turn = [UInt64](repeating: 0, count: count)
        var entries = [Int](repeating: 0, count: count)
        var table = ContiguousArray<Int32>(repeating: -1, count: Self.size)
        var filled = 0
        var round: UInt64 = 1
        table.withUnsafeMutableBufferPointer { table in
            while filled < Self.size {
                for index in 0..<count where filled < Self.size {
                    // A lighter host waits until its weight, summed over the rounds, reaches
                    // its next turn.
                    if round * weight[index] < turn[index] { continue }
                    turn[index] += maximumWeight
                    var entry = position[index]
                    while table[Int(entry)] >= 0 {
                        entry += skip[index]
                        if entry >= size { entry -= size }
                    }
                    table[Int(entry)] = hosts[index].slot
                    entries[index] += 1
                    entry += skip[index]
                    position[index] = entry >= size ? entry - size : entry
                    filled += 1
                }
                round += 1
            }
        }
        self.table = arena.table(table)
        for (index, host) in hosts.enumerated() { share(host.slot, Double(entries[index]) / Double(Self.size)) }
    }

    @inline(__always)
    func pick(hash: UInt64) -> Int32 {
        table[Int(hash % UInt64(Self.size))]
    }
}
