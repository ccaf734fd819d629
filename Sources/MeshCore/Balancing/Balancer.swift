/// Picks the endpoint for each new request or connection, by one of the algorithms of
/// `BalancerKind`, from the current `HostSet`. Each algorithm follows its reference, written
/// beside its picker: Envoy's round-robin (`DeadlineSchedule`, rotation for equal weights),
/// Envoy's least-request (P2C for equal weights) and HAProxy's `random(2)` when weights differ
/// (`WeightedLeastRequest`), Linkerd's p2c with peak-EWMA and Finagle's weight classes
/// (`PowerOfTwoChoices`, `EndpointStats`), Envoy's ring hash (`HashRing`), Maglev
/// (`MaglevTable`) and weighted random (`WeightedRandomPicker`).
///
/// A value type: the data plane keeps one per router (one per event loop), so picks take no lock.
/// `update` rebuilds every table (ring, Maglev, alias table, schedule) so that `pick` only reads
/// them, writes a turn in place and allocates nothing. What must survive a change does:
/// requests in flight and latency estimates by slot, and each staying host's place in a
/// rotation (see `update`), so that host sets rebuilt every few hundred milliseconds neither
/// reset nor bias the rotation. Copies share the frozen tables and keep their own turn, random
/// stream and load numbers; for per-loop balancers, build one and copy it.
public struct Balancer: Sendable {
    public let kind: BalancerKind
    public internal(set) var hosts: HostSet

    var random: SeededRandom
    var stats = EndpointStats()
    /// The latest power-of-two-choices picks (least-request, p2c-ewma), for `recentPicks`.
    var trace = PickTrace()
    let hashing: Bool
    var groups: ContiguousArray<GroupPicker> = []
    /// Owns the memory of the groups' tables.
    var arena = TableArena()
    /// The rotation's next position in the first group, and in the others. The first is kept
    /// apart because most sets have one group, and writing a plain field costs less than the
    /// uniqueness check of writing into an array (a third of a round-robin pick).
    var firstCursor = 0
    var otherCursors: ContiguousArray<Int> = []
    /// The heaps of every group picked by `DeadlineSchedule`, back to back.
    var schedule: ContiguousArray<ScheduleEntry> = []
    /// Running sums of the groups' shares; the last is 1.
    var shareBounds: ContiguousArray<Double> = []
    /// What `view` says of a slot's share of the traffic: its group's share times its part of
    /// the group's weight (`shareWeight`). Kept per group (the share and the weights' total),
    /// with each slot's group (`UInt16.max` when not in the set): 2 bytes an endpoint, where a
    /// share per slot took 8. Ring-hash and Maglev, whose tables say a slot's part, keep a share
    /// per slot in `shares` instead. A slot's weight is in `stats`, and a slow-start factor
    /// below 1 in `slowStarts`: most hosts are not ramping, and a factor per slot cost 8 B an
    /// endpoint for nothing.
    var groupShares: ContiguousArray<(share: Double, weight: Double)> = []
    var groupOfSlot: ContiguousArray<UInt16> = []
    var shares: ContiguousArray<Double> = []
    var slowStarts: [Int32: Double] = [:]

    public init(kind: BalancerKind, seed: UInt64) {
        self.kind = kind
        self.hashing = kind.isHashing
        self.hosts = .empty
        self.random = SeededRandom(seed: seed)
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
            switch groups[group] {
            case .maglev(let table): return table.pick(hash: mixed)
            case .ringHash(let ring): return ring.pick(hash: mixed)
            default: preconditionFailure("a hashing balancer holds only hashing pickers")
            }
        }
        let group = groups.count == 1 ? 0 : groupIndex(at: random.unit())
        switch groups[group] {
        case .rotation(let rotation):
            if group == 0 { return rotation.pick(cursor: &firstCursor) }
            return rotation.pick(cursor: &otherCursors[group - 1])
        case .schedule(let edf):
            return edf.pick(heap: &schedule)
        case .weightedLeastRequest(let choices):
            return choices.pick(random: &random, stats: stats)
        case .leastRequest(let choices):
            return choices.pickLeastRequest(random: &random, stats: stats, trace: &trace)
        case .peakEWMA(let choices):
            return choices.pickPeakEWMA(random: &random, stats: stats, trace: &trace)
        case .random(let picker):
            return picker.pick(random: &random)
        case .ringHash, .maglev:
            preconditionFailure("hashing pickers in a balancer of kind \(kind)")
        }
    }

    /// From now on this balancer and every copy made of it count requests in flight together
    /// (`SharedInFlight`): the data plane's per-loop copies then compare what each endpoint
    /// carries over all loops, as HAProxy's and Envoy's counts do. Counts kept so far restart
    /// at 0. Call it once, before copying.
    /// Only the kinds that read the count (least-request and p2c-ewma, whose cost is Linkerd's
    /// estimate × (pending + 1)) pay its atomic add per request.
    public mutating func shareRequestsInFlight() {
        guard stats.shared == nil, kind == .leastRequest || kind == .p2cEWMA else { return }
        let shared = SharedInFlight()
        shared.grow(to: stats.count)
        stats.shared = shared
    }

    public mutating func requestStarted(slot: Int32) {
        stats.start(Int(slot))
    }

    /// `latency` and `now` are in seconds; `now` on the mesh clock (virtual in demo mode).
    public mutating func requestFinished(slot: Int32, latency: Double, now: Double) {
        stats.finish(Int(slot), latency: latency, now: now)
    }

    /// How this balancer sees the endpoint in `slot`; nil when it is not in the set.
    public func view(slot: Int32) -> BalancerView? {
        let i = Int(slot)
        guard i >= 0, i < stats.count, stats.weight(i) > 0 else { return nil }
        let share: Double
        if i < shares.count {
            share = shares[i]
        } else if i < groupOfSlot.count, Int(groupOfSlot[i]) < groupShares.count {
            let group = groupShares[Int(groupOfSlot[i])]
            share = group.share * (group.weight > 0 ? shareWeight(slot: slot) / group.weight : 0)
        } else {
            return nil
        }
        let active = Int(stats.active(i))
        var view = BalancerView(weight: stats.weight(i), slowStart: slowStarts[slot], share: share, active: active)
        if kind == .p2cEWMA, let estimate = stats.estimate(i) {
            view.latency = estimate
            view.cost = estimate * Double(active + 1)
        }
        return view
    }

    /// One recent pick by slot: the two candidates, the score each had (see `BalancerPick`) and
    /// the one taken.
    public struct Pick: Sendable, Equatable {
        public var candidates: (Int32, Int32)
        public var scores: (Double, Double)
        public var picked: Int32

        public static func == (l: Pick, r: Pick) -> Bool {
            l.candidates == r.candidates && l.scores == r.scores && l.picked == r.picked
        }
    }

    /// The latest power-of-two-choices picks, newest first (at most 8); empty for the other
    /// kinds, and for least-request with unequal weights (its pairs compare in flight per
    /// weight, which `BalancerPick`'s scores, requests in flight, do not say).
    public func recentPicks() -> [Pick] {
        trace.entries.map { Pick(candidates: ($0.a, $0.b), scores: ($0.scoreA, $0.scoreB), picked: $0.picked) }
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
