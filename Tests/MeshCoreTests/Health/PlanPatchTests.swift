import Testing
@testable import MeshCore

/// A change of one endpoint patches its service's plan (`TrafficPlanner.patch`) instead of
/// planning the service whole: the patched plan must be the very plan a whole one would be,
/// over random sequences of what happens to a mesh, deterministic by seed.
@Suite struct PlanPatchTests {
    static let states: [EndpointState] = [.healthy, .healthy, .healthy, .unknown, .unhealthy, .ejected, .draining, .killed]

    /// A random service's policy: zones or none, panic threshold, slow start, balancer.
    static func policy(_ random: inout SeededRandom) -> ServicePolicy {
        ServicePolicy(balancer: [.roundRobin, .p2cEWMA, .ringHash, .weightedRoundRobin][random.below(4)],
                      outlier: random.below(2) == 0 ? nil : OutlierPolicy(consecutiveFailures: 2, baseEjection: 5),
                      panicThreshold: [0, 50, 70][random.below(3)], slowStart: random.below(3) == 0 ? 20 : nil,
                      zones: [[], ["a"], ["a", "b"], ["b", "a", "c"]][random.below(4)])
    }

    @Test func patchedPlanIsTheWholePlan() {
        var patched = 0, whole = 0
        for seed in UInt64(0)..<60 { patchSequence(seed: seed, patched: &patched, whole: &whole) }
        // Panic and zones flipping, and slow start ramping, are planned whole; most changes are not.
        #expect(patched > 2 * whole, "\(patched) patched, \(whole) planned whole")
    }

    private func patchSequence(seed: UInt64, patched: inout Int, whole: inout Int) {
        var random = SeededRandom(seed: seed)
        let planner = TrafficPlanner(policy: Self.policy(&random))
        let count = 1 + random.below(40)
        var candidates = (0..<count).map { i in
            TrafficPlanner.Candidate(slot: Int32(i), state: Self.states[random.below(Self.states.count)],
                                     zone: ["a", "b", "c", "x"][random.below(4)], weight: [0, 1, 100, 100, 300][random.below(5)],
                                     key: StableHash.hash("web/e\(i)"), eligibleSince: -1_000)
        }
        var now = 0.0, warming = random.below(3) == 0
        var plan = planner.plan(candidates, now: now, warming: warming)
        var basis = planner.basis(of: candidates, plan: plan, warming: warming, slots: count)
        for _ in 0..<300 {
            now += random.unit() * 3
            if random.below(40) == 0 { warming.toggle() }
            let i = random.below(count)
            switch random.below(4) {
            case 0: candidates[i].weight = [0, 1, 100, 300][random.below(4)]
            case 1: candidates[i].eligibleSince = now
            default: candidates[i].state = Self.states[random.below(Self.states.count)]
            }
            let expected = planner.plan(candidates, now: now, warming: warming)
            if var b = basis, let (next, changed) = planner.patch(plan, basis: &b, changed: candidates[i], now: now, warming: warming) {
                #expect(next == expected, "seed \(seed): patching slot \(i) at \(now)")
                #expect(changed == (next.hosts != plan.hosts))
                basis = b
                patched += 1
            } else {
                basis = planner.basis(of: candidates, plan: expected, warming: warming, slots: count)
                whole += 1
            }
            plan = expected
        }
    }

    /// Two engines fed the same random inputs, one patching and one planning whole, emit the same
    /// events and effects and hold the same plans.
    @Test(arguments: 0..<40)
    func engineThatPatchesMatchesOneThatPlansWhole(seed: UInt64) throws {
        var random = SeededRandom(seed: seed)
        let policy = Self.policy(&random)
        let endpoints = (0..<(1 + random.below(30))).map { i in
            Endpoint(id: "e\(i)", zone: ["a", "b", "c", "x"][random.below(4)], weight: [1, 100, 100, 300][random.below(4)])
        }
        let mesh = MeshState(name: "t", services: [Service(name: "web", endpoints: endpoints)])
        let patching = MeshEngine(mesh: mesh, policies: ["web": policy])
        let whole = MeshEngine(mesh: mesh, policies: ["web": policy])
        whole.replansIncrementally = false
        var now = 0.0
        #expect(patching.start(now: now) == whole.start(now: now))
        var registered = endpoints.count
        for step in 0..<400 {
            now += random.unit() * 2
            let ids = patching.state.services[0].endpoints.map(\.id)
            guard !ids.isEmpty else { break }
            let ref = EndpointRef(service: "web", endpoint: ids[random.below(ids.count)])
            let slot = try #require(patching.locate(ref)?.slot)
            let a: MeshEngine.Output, b: MeshEngine.Output
            switch random.below(12) {
            case 0...4:
                let passed = random.below(3) != 0
                (a, b) = (patching.healthCheck(service: 0, slot: slot, passed: passed, now: now),
                          whole.healthCheck(service: 0, slot: slot, passed: passed, now: now))
            case 5:
                (a, b) = (patching.requestFinished(service: 0, slot: slot, success: false, now: now),
                          whole.requestFinished(service: 0, slot: slot, success: false, now: now))
            case 6, 7:
                let action: OperatorAction = [.drain, .kill, .restore, .weight][random.below(4)]
                let command = OperatorCommand(action: action, target: ref, by: "test",
                                              weight: action == .weight ? [0, 1, 50, 100, 500][random.below(5)] : nil)
                (a, b) = ((try? patching.operate(command, now: now)) ?? .init(), (try? whole.operate(command, now: now)) ?? .init())
            case 8:
                (a, b) = (patching.tick(now: now), whole.tick(now: now))
            case 9:
                let endpoint = Endpoint(id: "r\(registered)", zone: ["a", "b", "x"][random.below(3)])
                registered += 1
                (a, b) = (patching.register(service: "web", endpoint: endpoint, now: now),
                          whole.register(service: "web", endpoint: endpoint, now: now))
            case 10 where ids.count > 1:
                (a, b) = ((try? patching.deregister(ref, now: now)) ?? .init(), (try? whole.deregister(ref, now: now)) ?? .init())
            default:
                now += 0.5
                (a, b) = (patching.tick(now: now), whole.tick(now: now))
            }
            #expect(a == b, "seed \(seed), step \(step)")
            #expect(patching.services[0].plan == whole.services[0].plan, "seed \(seed), step \(step)")
            if a != b { return }
        }
        #expect(patching.state == whole.state)
    }
}
