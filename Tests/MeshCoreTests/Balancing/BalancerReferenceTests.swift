import Foundation
import Testing
@testable import MeshCore

/// Distribution results measured here against the numbers the references publish themselves.
/// Each row prints `reference | setting | published | measured`.
@Suite struct BalancerReferenceTests {
    struct Row: Sendable, CustomTestStringConvertible {
        var reference: String
        var setting: String
        var published: String
        /// The measured figure, as text, and whether it agrees with the published one.
        var measure: @Sendable () -> (String, Bool)
        var testDescription: String { "\(reference): \(setting)" }
    }

    static let keys = 200_000

    static func moved(_ kind: BalancerKind, hosts: Int, removing slot: Int32) -> (moved: Double, others: Double, owned: Double) {
        let all = plannedHosts(operatorWeights: Array(repeating: 100, count: hosts))
        var before = makeBalancer(kind, HostSet(hosts: all))
        var after = makeBalancer(kind, HostSet(hosts: all.filter { $0.slot != slot }))
        var moved = 0, others = 0, owned = 0
        for key in 0..<keys {
            let old = before.pick(hash: UInt64(key))!, new = after.pick(hash: UInt64(key))!
            if old == slot { owned += 1 }
            if old != new { moved += 1; if old != slot { others += 1 } }
        }
        return (Double(moved) / Double(keys), Double(others) / Double(keys), Double(owned) / Double(keys))
    }

    static func maglevEntries(_ weights: [UInt32]) -> [Double] {
        var entries = [Double](repeating: 0, count: weights.count)
        _ = MaglevTable(hosts: makeHosts(weights: weights), arena: TableArena()) { slot, share in
            entries[Int(slot)] = (share * Double(MaglevTable.size)).rounded()
        }
        return entries
    }

    /// The share of picks of host `loaded`, holding the most requests in flight per weight
    /// (others hold 1 to 3 times their weight's hundredths): "0 picks" agrees.
    static func mostLoadedShare(weights: [UInt32], loaded: Int32) -> (String, Bool) {
        var balancer = makeBalancer(.leastRequest, HostSet(hosts: makeHosts(weights: weights)))
        for (slot, weight) in weights.enumerated() {
            let inFlight = slot == loaded ? 50 * Int(weight) / 100 : (1 + slot % 3) * Int(weight) / 100
            for _ in 0..<inFlight { balancer.requestStarted(slot: Int32(slot)) }
        }
        let counts = tally(&balancer, picks: 20_000)
        return ("\(counts[loaded, default: 0]) picks of 20,000", counts[loaded] == nil && counts.count == weights.count - 1)
    }

    static let rows: [Row] = [
        Row(reference: "Envoy docs, Maglev", setting: "weights 1 and 2, table 65,537",
            published: "21,846 and 43,691 entries") {
            let e = maglevEntries([1, 2])
            return ("\(Int(e[0])) and \(Int(e[1])) entries", e == [21_846, 43_691])
        },
        Row(reference: "Maglev paper §3.4", setting: "500 equal hosts (M > 100 × N)",
            published: "shares within 1% of each other") {
            let e = maglevEntries(Array(repeating: 1, count: 500))
            let spread = (e.max()! - e.min()!) / e.min()!
            return ("max/min − 1 = \(String(format: "%.2f%%", spread * 100))", spread <= 0.01)
        },
        Row(reference: "Envoy docs, ring hash", setting: "remove 1 of 10 equal hosts",
            published: "affects only 1/N = 10% of requests") {
            let r = moved(.ringHash, hosts: 10, removing: 4)
            return ("\(String(format: "%.1f%%", r.moved * 100)) moved, all of them the removed host's (\(String(format: "%.1f%%", r.owned * 100))); others \(r.others)",
                    r.others == 0 && abs(r.moved - r.owned) < 1e-12 && abs(r.moved - 0.1) < 0.04)
        },
        Row(reference: "Envoy docs, Maglev vs ring hash", setting: "remove 1 of 10 equal hosts",
            published: "Maglev moves about double the ring's keys, at most") {
            let ring = moved(.ringHash, hosts: 10, removing: 4), maglev = moved(.maglev, hosts: 10, removing: 4)
            let ratio = maglev.moved / maglev.owned
            return ("Maglev moved \(String(format: "%.2f", ratio))× the removed host's keys (ring: 1.00×)",
                    ratio <= 2.2 && ring.moved == ring.owned)
        },
        Row(reference: "Envoy edf_scheduler.h", setting: "weights 1, 2, 3, 4 over 1,000 cycles",
            published: "each host picked weight × 1,000 times") {
            var balancer = makeBalancer(.weightedRoundRobin, HostSet(hosts: makeHosts(weights: [1, 2, 3, 4])))
            let counts = tally(&balancer, picks: 10_000)
            let got = (0..<4).map { counts[Int32($0), default: 0] }
            return ("\(got)", zip(got, [1_000, 2_000, 3_000, 4_000]).allSatisfy { abs($0 - $1) <= 1 })
        },
        Row(reference: "Envoy docs, least request (P2C)", setting: "8 equal hosts, one with 50 in flight",
            published: "the host with the most active requests never receives new ones") {
            mostLoadedShare(weights: Array(repeating: 100, count: 8), loaded: 3)
        },
        Row(reference: "HAProxy random(2)", setting: "weights 50...150 over 8 hosts, one with the most in flight per weight",
            published: "of two draws by weight, the fewer served per weight wins") {
            mostLoadedShare(weights: [50, 150, 80, 120, 100, 60, 140, 90], loaded: 1)
        },
        Row(reference: "Envoy docs, slow start", setting: "25% into a 10 s window, aggression 1",
            published: "weight × max(10%, 25%) = 25%") {
            let planner = TrafficPlanner(policy: ServicePolicy(balancer: .roundRobin, slowStart: 10))
            let factor = planner.slowStartFactor(of: .init(slot: 0, state: .healthy, eligibleSince: 0), now: 2.5)
            return (String(format: "%.0f%%", factor * 100), abs(factor - 0.25) < 1e-12)
        },
    ]

    @Test(arguments: rows)
    func agreesWithThePublishedNumber(row: Row) {
        let (measured, agrees) = row.measure()
        print("\(row.reference) | \(row.setting) | \(row.published) | \(measured)")
        #expect(agrees, "\(row.reference), \(row.setting): published \(row.published), measured \(measured)")
    }
}
