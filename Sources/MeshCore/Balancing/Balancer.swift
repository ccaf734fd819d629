/// Picks the endpoint for each new request or connection, by one of the algorithms of
/// `BalancerKind`, from the current `HostSet`.
///
/// A value type: the data plane keeps one per router (one per event loop), so picks take no lock.
/// `update` rebuilds every table (ring, Maglev, alias table, weighted round-robin state) so that
/// `pick` only reads them and allocates nothing. Copies share the frozen tables and keep their
/// own turn, random stream and load numbers; for per-loop balancers, build one and copy it.
public struct Balancer: Sendable {
    public let kind: BalancerKind
    public private(set) var hosts: HostSet

    private var random: SeededRandom
    private var stats = EndpointStats()
    private let hashing: Bool
    private var groups: ContiguousArray<GroupPicker> = []
    /// Owns the memory of the groups' tables.
    private var arena = TableArena()
    /// Round-robin's next position in the first group, and in the others. The first is kept
    /// apart because most sets have one group, and writing a plain field costs less than the
    /// uniqueness check of writing into an array (a third of a round-robin pick).
    private var firstCursor = 0
    private var otherCursors: ContiguousArray<Int> = []
    /// Smooth weighted round-robin's current values in each group (empty for other kinds).
    private var weightedCurrent: ContiguousArray<ContiguousArray<Int64>> = []
    /// Running sums of the groups' shares; the last is 1.
    private var shareBounds: ContiguousArray<Double> = []

    public init(kind: BalancerKind, seed: UInt64) {
        self.kind = kind
        self.hashing = kind.isHashing
        self.hosts = .empty
        self.random = SeededRandom(seed: seed)
    }

    /// Takes a new host set. Per-endpoint load (active requests, latency estimates) is kept by
    /// slot, so endpoints that stay keep their numbers.
    public mutating func update(_ hosts: HostSet) {
        self.hosts = hosts
        let highestSlot = hosts.groups.lazy.flatMap(\.hosts).map(\.slot).max() ?? -1
        stats.grow(to: Int(highestSlot) + 1)
        var pickers = ContiguousArray<GroupPicker>()
        pickers.reserveCapacity(hosts.groups.count)
        let arena = TableArena()
        for group in hosts.groups {
            pickers.append(GroupPicker(kind: kind, hosts: group.hosts, arena: arena))
        }
        groups = pickers
        self.arena = arena
        // A seeded start, so that the balancers of several event loops do not all send their
        // first request to the same host after every update. Weighted round-robin restarts
        // nginx's sequence instead (with equal weights, plain round-robin from the first host).
        let starts = hosts.groups.map { kind == .weightedRoundRobin ? 0 : random.below($0.hosts.count) }
        firstCursor = starts.first ?? 0
        otherCursors = ContiguousArray(starts.dropFirst())
        // Empty (and never grown) unless the balancer is weighted round-robin.
        weightedCurrent = ContiguousArray(repeating: [], count: hosts.groups.count)
        let totalShare = hosts.groups.reduce(0) { $0 + max(0, $1.share) }
        var running = 0.0
        shareBounds = ContiguousArray(hosts.groups.map { group in
            // Shares that do not sum to 1 are scaled; all-zero shares split traffic evenly.
            running += totalShare > 0 ? max(0, group.share) / totalShare : 1 / Double(hosts.groups.count)
            return running
        })
        if !shareBounds.isEmpty { shareBounds[shareBounds.count - 1] = 1 }
    }

    /// The slot of the endpoint to use, or nil when the set is empty. `hash` (the request's
    /// `hash_on` key) matters only to ring-hash and Maglev, where it also chooses the group, so
    /// that a key sticks to its endpoint while the shares stay the same.
    @inline(__always)
    public mutating func pick(hash: UInt64 = 0) -> Int32? {
        guard !groups.isEmpty else { return nil }
        if hashing {
            // Callers may pass raw or poorly spread keys; one mix makes every bit count.
            let mixed = StableHash.mix(hash)
            let group = groups.count == 1 ? 0 : groupIndex(at: unitInterval(StableHash.mix(mixed ^ 0x6772_6F75_7073)))
            return groups[group].pick(hash: mixed, random: &random, stats: stats)
        }
        let group = groups.count == 1 ? 0 : groupIndex(at: random.unit())
        switch kind {
        case .roundRobin:
            if group == 0 { return groups[0].pickInTurn(cursor: &firstCursor) }
            return groups[group].pickInTurn(cursor: &otherCursors[group - 1])
        case .weightedRoundRobin:
            if group == 0 { return groups[0].pickWeighted(cursor: &firstCursor, current: &weightedCurrent[0]) }
            return groups[group].pickWeighted(cursor: &otherCursors[group - 1], current: &weightedCurrent[group])
        default:
            break
        }
        return groups[group].pick(hash: 0, random: &random, stats: stats)
    }

    public mutating func requestStarted(slot: Int32) {
        stats.start(Int(slot))
    }

    /// `latency` and `now` are in seconds; `now` on the mesh clock (virtual in demo mode).
    public mutating func requestFinished(slot: Int32, latency: Double, now: Double) {
        stats.finish(Int(slot), latency: latency, now: now)
    }

    @inline(__always)
    private func groupIndex(at point: Double) -> Int {
        var index = 0
        while index < shareBounds.count - 1, point >= shareBounds[index] { index += 1 }
        return index
    }

    @inline(__always)
    private func unitInterval(_ bits: UInt64) -> Double {
        Double(bits >> 11) * 0x1.0p-53
    }
}
