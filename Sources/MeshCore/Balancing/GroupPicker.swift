/// One group's picking state, as a concrete algorithm per case: a pick is a switch and a direct
/// call, with no existential or dynamic dispatch on the hot path. Every payload holds only
/// pointers into a `TableArena`, so a pick copies nothing that is reference-counted.
enum GroupPicker: Sendable {
    case roundRobin(RoundRobinPicker)
    case weightedRoundRobin(SmoothWeightedPicker)
    case random(WeightedRandomPicker)
    case leastRequest(PowerOfTwoChoices)
    case peakEWMA(PowerOfTwoChoices)
    case ringHash(HashRing)
    case maglev(MaglevTable)

    init(kind: BalancerKind, hosts: [HostSet.Host], arena: TableArena) {
        switch kind {
        case .roundRobin: self = .roundRobin(RoundRobinPicker(hosts: hosts, arena: arena))
        case .weightedRoundRobin: self = .weightedRoundRobin(SmoothWeightedPicker(hosts: hosts, arena: arena))
        case .random: self = .random(WeightedRandomPicker(hosts: hosts, arena: arena))
        case .leastRequest: self = .leastRequest(PowerOfTwoChoices(hosts: hosts, arena: arena))
        case .p2cEWMA: self = .peakEWMA(PowerOfTwoChoices(hosts: hosts, arena: arena))
        case .ringHash: self = .ringHash(HashRing(hosts: hosts, arena: arena))
        case .maglev: self = .maglev(MaglevTable(hosts: hosts, arena: arena))
        }
    }

    /// Picks that need no turn kept between them. `hash` is already mixed; hashing pickers
    /// ignore `random` and the others ignore `hash`.
    @inline(__always)
    func pick(hash: UInt64, random: inout SeededRandom, stats: borrowing EndpointStats) -> Int32 {
        switch self {
        case .maglev(let table):
            return table.pick(hash: hash)
        case .ringHash(let ring):
            return ring.pick(hash: hash)
        case .leastRequest(let choices):
            return choices.pickLeastRequest(random: &random, stats: stats)
        case .peakEWMA(let choices):
            return choices.pickPeakEWMA(random: &random, stats: stats)
        case .random(let picker):
            return picker.pick(random: &random)
        case .roundRobin, .weightedRoundRobin:
            preconditionFailure("round-robin picks through pickInTurn or pickWeighted")
        }
    }

    /// Round-robin's pick, with the turn kept by the caller, outside this value, so that no
    /// pick writes here.
    @inline(__always)
    func pickInTurn(cursor: inout Int) -> Int32 {
        guard case .roundRobin(let picker) = self else { preconditionFailure("pickInTurn on \(self)") }
        return picker.pick(cursor: &cursor)
    }

    /// Weighted round-robin's pick, with the turn and current values kept by the caller.
    @inline(__always)
    func pickWeighted(cursor: inout Int, current: inout ContiguousArray<Int64>) -> Int32 {
        guard case .weightedRoundRobin(let picker) = self else { preconditionFailure("pickWeighted on \(self)") }
        return picker.pick(current: &current, cursor: &cursor)
    }
}
