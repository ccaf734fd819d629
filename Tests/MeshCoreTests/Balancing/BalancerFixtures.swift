@testable import MeshCore

/// Hosts with slots 0..<n (or the given slots) and keys as the registry makes them.
func makeHosts(weights: [UInt32], slots: [Int32]? = nil, service: String = "web") -> [HostSet.Host] {
    weights.enumerated().map { index, weight in
        let slot = slots?[index] ?? Int32(index)
        return HostSet.Host(slot: slot, weight: weight, key: StableHash.hash("\(service)/e\(slot)"))
    }
}

func makeBalancer(_ kind: BalancerKind, _ hosts: HostSet, seed: UInt64 = 7) -> Balancer {
    var balancer = Balancer(kind: kind, seed: seed)
    balancer.update(hosts)
    return balancer
}

/// How often each slot is picked in `picks` picks; hashing kinds get a distinct key per pick.
func tally(_ balancer: inout Balancer, picks: Int) -> [Int32: Int] {
    var counts: [Int32: Int] = [:]
    for index in 0..<picks {
        counts[balancer.pick(hash: UInt64(index)) ?? -1, default: 0] += 1
    }
    return counts
}
