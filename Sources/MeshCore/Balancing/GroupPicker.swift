/// One group's picking state, as a concrete algorithm per case: a pick is a switch and a direct
/// call, with no existential or dynamic dispatch on the hot path.
enum GroupPicker: Sendable {
    case roundRobin(RoundRobinPicker)
    case weightedRoundRobin(SmoothWeightedPicker)
    case random(WeightedRandomPicker)
    case leastRequest(PowerOfTwoChoices)
    case peakEWMA(PowerOfTwoChoices)
    case ringHash(HashRing)
    case maglev(MaglevTable)
    /// Held only during a pick that changes a picker's state, so that the payload is uniquely
    /// referenced and mutates in place rather than being copied (as NIO's state machines do).
    case modifying

    init(kind: BalancerKind, hosts: [HostSet.Host], random: inout SeededRandom) {
        switch kind {
        case .roundRobin: self = .roundRobin(RoundRobinPicker(hosts: hosts, random: &random))
        case .weightedRoundRobin: self = .weightedRoundRobin(SmoothWeightedPicker(hosts: hosts))
        case .random: self = .random(WeightedRandomPicker(hosts: hosts))
        case .leastRequest: self = .leastRequest(PowerOfTwoChoices(hosts: hosts))
        case .p2cEWMA: self = .peakEWMA(PowerOfTwoChoices(hosts: hosts))
        case .ringHash: self = .ringHash(HashRing(hosts: hosts))
        case .maglev: self = .maglev(MaglevTable(hosts: hosts))
        }
    }

    /// `hash` is already mixed; hashing pickers ignore `random` and the others ignore `hash`.
    @inline(__always)
    mutating func pick(hash: UInt64, random: inout SeededRandom, stats: EndpointStats) -> Int32 {
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
        case .roundRobin(var picker):
            self = .modifying
            let slot = picker.pick()
            self = .roundRobin(picker)
            return slot
        case .weightedRoundRobin(var picker):
            self = .modifying
            let slot = picker.pick()
            self = .weightedRoundRobin(picker)
            return slot
        case .modifying:
            preconditionFailure("GroupPicker picked while modifying")
        }
    }
}
