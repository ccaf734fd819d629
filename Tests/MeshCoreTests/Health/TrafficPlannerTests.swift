import Testing
@testable import MeshCore

@Suite struct TrafficPlannerTests {
    typealias C = TrafficPlanner.Candidate

    func planner(zones: [String] = [], panic: Double = 50, slowStart: Double? = nil) -> TrafficPlanner {
        TrafficPlanner(policy: ServicePolicy(panicThreshold: panic, slowStart: slowStart, zones: zones))
    }

    func slots(_ plan: TrafficPlan) -> [[Int32]] { plan.hosts.groups.map { $0.hosts.map(\.slot) } }

    func share(_ plan: TrafficPlan, _ zone: String) -> Double {
        plan.hosts.groups.first { $0.zone == zone }?.share ?? 0
    }

    @Test func onlyHealthyEndpointsTakeTraffic() {
        let plan = planner().plan([
            C(slot: 0, state: .healthy), C(slot: 1, state: .unhealthy), C(slot: 2, state: .ejected),
            C(slot: 3, state: .healthy), C(slot: 4, state: .unknown),
        ], now: 0)
        #expect(slots(plan) == [[0, 3]])
        #expect(!plan.panic)
        #expect(plan.healthyPercent == 50)     // unknown not counted while something is healthy
        #expect(plan.hosts.groups[0].hosts[0].weight == 100 * 100)
    }

    @Test func unknownEndpointsServeWhenNothingIsHealthy() {
        let fresh = planner().plan([C(slot: 0, state: .unknown), C(slot: 1, state: .unknown)], now: 0)
        #expect(slots(fresh) == [[0, 1]])
        #expect(!fresh.panic && fresh.healthyPercent == 100)
        let mixed = planner().plan([C(slot: 0, state: .unknown), C(slot: 1, state: .unhealthy)], now: 0)
        #expect(slots(mixed) == [[0]])
        #expect(mixed.healthyPercent == 50)
    }

    @Test func whileWarmingAZoneNotYetCheckedKeepsItsPlace() {
        let candidates = [C(slot: 0, state: .unknown, zone: "a"), C(slot: 1, state: .unknown, zone: "a"),
                          C(slot: 2, state: .healthy, zone: "b"), C(slot: 3, state: .unknown, zone: "b")]
        let warming = planner(zones: ["a", "b"]).plan(candidates, now: 0.3, warming: true)
        #expect(slots(warming) == [[0, 1]])
        #expect(share(warming, "a") == 1)
        // After the first round a zone still unheard of is not trusted: b takes over.
        let warm = planner(zones: ["a", "b"]).plan(candidates, now: 2, warming: false)
        #expect(slots(warm) == [[2]])
        // A zone with one checked endpoint is judged by its checked endpoints, warming or not.
        var mixed = candidates
        mixed[1].state = .unhealthy
        #expect(slots(planner(zones: ["a", "b"]).plan(mixed, now: 0.3, warming: true)) == [[2]])
    }

    @Test func administrativeStatesAreExcludedFromTrafficAndPercentages() {
        let plan = planner().plan([
            C(slot: 0, state: .healthy), C(slot: 1, state: .draining), C(slot: 2, state: .drained),
            C(slot: 3, state: .killed), C(slot: 4, state: .unhealthy),
        ], now: 0)
        #expect(slots(plan) == [[0]])
        #expect(plan.healthyPercent == 50)
        #expect(!plan.panic)
        // Even in panic they stay out.
        let panic = planner(panic: 80).plan([
            C(slot: 0, state: .healthy), C(slot: 1, state: .killed), C(slot: 2, state: .unhealthy),
        ], now: 0)
        #expect(panic.panic && slots(panic) == [[0, 2]])
    }

    @Test func weightZeroGetsNoTraffic() {
        let plan = planner().plan([C(slot: 0, state: .healthy, weight: 0), C(slot: 1, state: .healthy)], now: 0)
        #expect(slots(plan) == [[1]])
        #expect(plan.healthyPercent == 100)
        let panic = planner(panic: 100).plan([C(slot: 0, state: .unhealthy, weight: 0), C(slot: 1, state: .healthy),
                                              C(slot: 2, state: .unhealthy)], now: 0)
        #expect(panic.panic && slots(panic) == [[1, 2]])
    }

    @Test func panicBelowThresholdNotAtOrAbove() {
        let four = { (healthy: Int) in (0..<4).map { C(slot: Int32($0), state: $0 < healthy ? .healthy : .unhealthy) } }
        let below = planner(panic: 50).plan(four(1), now: 0)
        #expect(below.panic && below.healthyPercent == 25)
        #expect(slots(below) == [[0, 1, 2, 3]])
        #expect(below.hosts.groups[0].zone == nil && below.hosts.groups[0].share == 1)
        let at = planner(panic: 50).plan(four(2), now: 0)
        #expect(!at.panic && slots(at) == [[0, 1]])
        let above = planner(panic: 50).plan(four(3), now: 0)
        #expect(!above.panic)
        let disabled = planner(panic: 0).plan(four(0), now: 0)
        #expect(!disabled.panic && disabled.hosts.isEmpty)
    }

    @Test func halfHealthyZoneSpillsThirtyPercent() {
        let plan = planner(zones: ["a", "b"]).plan([
            C(slot: 0, state: .healthy, zone: "a"), C(slot: 1, state: .unhealthy, zone: "a"),
            C(slot: 2, state: .healthy, zone: "b"), C(slot: 3, state: .healthy, zone: "b"),
        ], now: 0)
        #expect(!plan.panic)
        #expect(abs(share(plan, "a") - 0.7) < 1e-9)
        #expect(abs(share(plan, "b") - 0.3) < 1e-9)
        #expect(slots(plan) == [[0], [2, 3]])
        #expect(plan.primaryZone == "a" && plan.isSpilling && !plan.isFailedOver)
        #expect(plan.zones.map(\.isDegraded) == [true, false])
        #expect(plan.description == "a 70% · b 30%")
    }

    @Test func healthyEnoughZoneKeepsAllTraffic() {
        // 3 of 4 healthy = 75% ≥ 71.4%: no spill.
        let plan = planner(zones: ["a", "b"]).plan(
            (0..<4).map { C(slot: Int32($0), state: $0 == 0 ? .unhealthy : .healthy, zone: "a") }
                + [C(slot: 4, state: .healthy, zone: "b")], now: 0)
        #expect(slots(plan) == [[1, 2, 3]])
        #expect(plan.hosts.groups[0].share == 1 && !plan.isSpilling)
    }

    @Test func downZoneFailsOverCompletely() {
        let plan = planner(zones: ["a", "b"], panic: 10).plan([
            C(slot: 0, state: .unhealthy, zone: "a"), C(slot: 1, state: .killed, zone: "a"),
            C(slot: 2, state: .healthy, zone: "b"), C(slot: 3, state: .healthy, zone: "b"),
        ], now: 0)
        #expect(slots(plan) == [[2, 3]])
        #expect(share(plan, "b") == 1)
        #expect(plan.primaryZone == "b" && plan.preferredZone == "a" && plan.isFailedOver)
    }

    @Test func allZonesDegradedAreNormalised() {
        // 25% healthy in each: health 35 + 35, normalised to 50/50 (Envoy's table).
        let zone = { (z: String, base: Int32) in
            (0..<4).map { C(slot: base + Int32($0), state: $0 == 0 ? .healthy : .unhealthy, zone: z) }
        }
        let plan = planner(zones: ["a", "b"], panic: 0).plan(zone("a", 0) + zone("b", 10), now: 0)
        #expect(abs(share(plan, "a") - 0.5) < 1e-9 && abs(share(plan, "b") - 0.5) < 1e-9)
    }

    @Test func unlistedZonesComeLastByName() {
        let plan = planner(zones: ["b"]).plan([
            C(slot: 0, state: .healthy, zone: "z"), C(slot: 1, state: .healthy, zone: "c"),
            C(slot: 2, state: .unhealthy, zone: "b"),
        ], now: 0)
        #expect(plan.zones.map(\.name) == ["b", "c", "z"])
        #expect(plan.primaryZone == "c" && slots(plan) == [[1]])
    }

    @Test func slowStartRampsLinearlyFromTenPercent() {
        let p = planner(slowStart: 10)
        let weight = { (now: Double) in
            p.plan([C(slot: 0, state: .healthy, weight: 100, eligibleSince: 100)], now: now).hosts.groups[0].hosts[0].weight
        }
        #expect(weight(100) == 1_000)       // 10% floor
        #expect(weight(100.5) == 1_000)
        #expect(weight(102.5) == 2_500)
        #expect(weight(105) == 5_000)
        #expect(weight(110) == 10_000)
        #expect(weight(200) == 10_000)
        // The floor survives rounding for the smallest weight.
        #expect(p.effectiveWeight(of: C(slot: 0, state: .healthy, weight: 1, eligibleSince: 0), now: 0) == 10)
    }

    @Test func nextChangeFollowsTheRampThenStops() {
        let p = planner(slowStart: 10)
        let at = { (now: Double) in p.plan([C(slot: 0, state: .healthy, eligibleSince: 100)], now: now).nextChange }
        #expect(at(100) == 101)
        #expect(at(101) == 102)
        #expect(at(109.5) == 110)
        #expect(at(110) == nil)
        // Unplanned endpoints do not ask for replanning.
        let unhealthy = p.plan([C(slot: 0, state: .healthy), C(slot: 1, state: .unhealthy, eligibleSince: 100)], now: 100)
        #expect(unhealthy.nextChange == nil)
        #expect(planner().plan([C(slot: 0, state: .healthy, eligibleSince: 100)], now: 100).nextChange == nil)
    }

    @Test func panicIgnoresZonesAndReportsWeightShares() {
        let plan = planner(zones: ["a", "b"], panic: 50).plan([
            C(slot: 0, state: .unhealthy, zone: "a"), C(slot: 1, state: .unhealthy, zone: "a"),
            C(slot: 2, state: .healthy, zone: "b", weight: 200), C(slot: 3, state: .ejected, zone: "b"),
        ], now: 0)
        #expect(plan.panic && plan.primaryZone == nil && plan.isFailedOver)
        #expect(slots(plan) == [[0, 1, 2, 3]] && plan.hosts.groups[0].zone == nil)
        #expect(plan.zones.map(\.share) == [0.4, 0.6])
        #expect(plan.description == "panic: 25% healthy")
    }

    @Test func emptyServiceHasNoPlanAndNoPanic() {
        let plan = planner(zones: ["a"]).plan([C(slot: 0, state: .drained, zone: "a")], now: 0)
        #expect(plan.hosts.isEmpty && !plan.panic && plan.primaryZone == nil)
    }
}
