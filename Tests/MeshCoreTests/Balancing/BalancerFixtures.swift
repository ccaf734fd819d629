@testable import MeshCore

/// Hosts with slots 0..<n (or the given slots) and keys as the registry makes them.
func makeHosts(weights: [UInt32], slots: [Int32]? = nil, service: String = "web") -> [HostSet.Host] {
    weights.enumerated().map { index, weight in
        let slot = slots?[index] ?? Int32(index)
        return HostSet.Host(slot: slot, weight: weight, key: StableHash.hash("\(service)/e\(slot)"))
    }
}

/// Hosts as the planner publishes them: operator weights × 100.
func plannedHosts(operatorWeights: [Int], slots: [Int32]? = nil) -> [HostSet.Host] {
    makeHosts(weights: operatorWeights.map { UInt32($0) * UInt32(TrafficPlanner.weightScale) }, slots: slots)
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

/// Where each of `keys` keys goes.
func owners(_ balancer: inout Balancer, keys: Int) -> [Int32] {
    (0..<keys).map { balancer.pick(hash: StableHash.hash("user-\($0)"))! }
}

/// Picks `count` times, each request answered at once in `latency(slot)` seconds at mesh time
/// `now` (sequential traffic: never more than one request in flight).
func sequential(_ balancer: inout Balancer, count: Int, now: Double = 0, latency: (Int32) -> Double = { _ in 0.005 })
    -> [Int32: Int] {
    var counts: [Int32: Int] = [:]
    for _ in 0..<count {
        let slot = balancer.pick()!
        balancer.requestStarted(slot: slot)
        balancer.requestFinished(slot: slot, latency: latency(slot), now: now)
        counts[slot, default: 0] += 1
    }
    return counts
}
