/// Least-request when weights differ: two hosts drawn at random in proportion to their
/// weights, and the one with fewer requests in flight per unit of weight is taken (the first
/// drawn on a tie). HAProxy's `balance random(2)` (`get_server_rnd` in `src/backend.c`: draws
/// by weight, keeps the server with the lower `served / eweight`), which is also the first
/// alternative Envoy's `least_request_lb.h` names for its weighted case ("perform P2C on two
/// random hosts selected from" a weighted table). O(1) where Envoy's EDF schedule is O(log n).
///
/// Why these rules:
/// - At equal load per weight (idle hosts, or loads in proportion to weights) every pair is a
///   tie and the first draw wins, so each host gets exactly its weight's share, as in Envoy.
/// - Load per weight, not raw load: a host of twice the weight drawn twice as often has twice
///   the requests in flight at equal speed; comparing raw counts would push traffic back
///   toward equal shares. Comparing `weight / (in flight + 1)` (Envoy's effective weight)
///   inside a pair would send every idle pair to the heavier host.
/// - Two distinct hosts: a second draw that repeats the first is replaced by one of the other
///   hosts, uniformly (HAProxy keeps the repeated server uncompared). So the host with the most
///   in flight per weight never takes a request while another has fewer, as Envoy's P2C
///   promises for equal weights, in a service of three hosts as much as in one of 10,000.
///
/// Weights come from Vose's alias method (one random 64-bit word a draw: its high part by the
/// host count chooses the column, the low part is the coin; Lemire's multiply-shift). A host of
/// weight 0 is never drawn first and loses every comparison.
struct WeightedLeastRequest: Sendable {
    /// One column of the alias table with both of its hosts' slot and weight, so that a draw
    /// reads one 24-byte entry whichever host it lands on.
    struct Column: Sendable, BitwiseCopyable {
        /// The column's own host when the coin is below this, else its alias.
        var threshold: UInt64
        var slot: Int32
        var weight: UInt32
        var aliasSlot: Int32
        var aliasWeight: UInt32
    }

    private let columns: FrozenTable<Column>

    init(hosts: [HostSet.Host], arena: TableArena) {
        let (threshold, alias) = WeightedRandomPicker.aliasTable(weights: hosts.map { Double($0.weight) })
        columns = arena.table(hosts.indices.map { i in
            let other = hosts[Int(alias[i])]
            return Column(threshold: threshold[i], slot: hosts[i].slot, weight: hosts[i].weight,
                          aliasSlot: other.slot, aliasWeight: other.weight)
        })
    }

    @inline(__always)
    func pick(random: inout SeededRandom, stats: borrowing EndpointStats) -> Int32 {
        let count = columns.count
        let a = draw(random.next(), count: count)
        guard count > 1 else { return a.slot }
        var b = draw(random.next(), count: count)
        if b.slot == a.slot {
            // The first host is the own host of exactly one column: a uniform column of the
            // others is one below the last, with the last standing in for the first's.
            let column = columns[random.below(count - 1)]
            let other = column.slot == a.slot ? columns[count - 1] : column
            b = (other.slot, other.weight)
        }
        // in flight(a) / weight(a) against in flight(b) / weight(b), without dividing.
        let loadA = Int64(stats.active(Int(a.slot))) &* Int64(b.weight)
        let loadB = Int64(stats.active(Int(b.slot))) &* Int64(a.weight)
        return loadB < loadA ? b.slot : a.slot
    }

    /// One host in proportion to weight.
    @inline(__always)
    private func draw(_ bits: UInt64, count: Int) -> (slot: Int32, weight: UInt32) {
        let (column, coin) = bits.multipliedFullWidth(by: UInt64(count))
        let entry = columns[Int(column)]
        return coin < entry.threshold ? (entry.slot, entry.weight) : (entry.aliasSlot, entry.aliasWeight)
    }
}
