public import MeshConfig
public import MeshCore
import Foundation

/// A simulated mesh on a virtual clock: traffic generators send requests that the real balancer
/// routes to simulated endpoints; their outcomes feed the real outlier detector, and active
/// checks feed the real health tracker, all through the engine. Deterministic for a seed.
///
/// The simulated world is its own (endpoints' latencies, the timeline's faults); every decision
/// about the mesh is the engine's, whose effects it carries out as the live mesh does on real
/// sockets (`Simulator+Actuator`).
public final class Simulator {
    public let scenario: Scenario
    /// Cadence of `sample` events.
    public let sampleInterval: Double
    public let engine: MeshEngine
    /// Every event the engine emits, as it happens (recorder, headless printer).
    public var onEvent: (MeshEvent) -> Void = { _ in }
    public private(set) var now: Double = 0
    /// Requests routed so far (retries count again), for the benchmark.
    public internal(set) var requestsSimulated = 0
    /// Requests that found no endpoint at all.
    public internal(set) var unroutable = 0

    var random: SeededRandom
    var normals = NormalDraws()
    var queue = EventQueue()
    var balancers: [Balancer]
    /// [service][slot]
    var endpoints: [[SimEndpoint]]
    let policies: [ServicePolicy]
    /// Requests in flight per service, and how many of them are retries (for the retry budget).
    var inFlight: [Int]
    var retriesInFlight: [Int]
    /// The current sample window per service, as clients see it: requests, retries, failures.
    var window: [ServiceSample]
    /// Index into `scenario.traffic` -> service index.
    let trafficService: [Int]
    /// How the endpoint a registration under way adds answers (its scenario config), for the
    /// engine's `attach`; a registration through the API answers with the defaults.
    var joining: [EndpointRef: SimulatedEndpointConfig] = [:]
    static let tickInterval = 0.1

    public init(scenario: Scenario, sampleInterval: Double = 1) {
        self.scenario = scenario
        self.sampleInterval = sampleInterval
        let policies = Dictionary(scenario.services.map { ($0.name, $0.policy) }, uniquingKeysWith: { a, _ in a })
        engine = MeshEngine(mesh: Simulator.mesh(of: scenario), policies: policies)
        engine.alertRules = scenario.alerts
        random = SeededRandom(seed: scenario.seed)
        self.policies = scenario.services.map(\.policy)
        balancers = scenario.services.indices.map {
            Balancer(kind: scenario.services[$0].policy.balancer, seed: scenario.seed &+ UInt64($0) &* 7919)
        }
        endpoints = scenario.services.map { $0.endpoints.map(SimEndpoint.init(config:)) }
        inFlight = Array(repeating: 0, count: scenario.services.count)
        retriesInFlight = inFlight
        window = scenario.services.map { ServiceSample(service: $0.name, rps: 0, retries: 0, errors: 0) }
        trafficService = scenario.traffic.map { t in scenario.services.firstIndex { $0.name == t.service } ?? -1 }
    }

    /// The starting mesh as the dashboard and a recording's header show it.
    public static func mesh(of scenario: Scenario) -> MeshState {
        MeshState(name: scenario.name, summary: scenario.description, source: "demo",
                  services: scenario.services.map(\.service))
    }

    /// Publishes the first plans and schedules everything due; call once the listeners are set.
    public func start() {
        carryOut(engine.start(now: 0))
        for s in endpoints.indices {
            for slot in endpoints[s].indices { scheduleFirstCheck(service: s, slot: Int32(slot)) }
        }
        for (i, s) in trafficService.enumerated() where s >= 0 {
            scheduleArrival(traffic: i, after: 0)
        }
        for (i, step) in scenario.timeline.enumerated() {
            queue.schedule(SimEvent(time: step.at, order: 0, kind: .timeline, service: 0, slot: 0, success: true, value: Double(i)))
        }
        queue.schedule(SimEvent(time: Self.tickInterval, order: 0, kind: .tick, service: 0, slot: 0, success: true, value: 0))
        queue.schedule(SimEvent(time: sampleInterval, order: 0, kind: .sample, service: 0, slot: 0, success: true, value: 0))
    }

    /// Runs everything due up to mesh time `t`, or the first `maxEvents` of it (then `now` is
    /// the last one's time, short of `t`), so that a driver can stop between slices whatever
    /// the scenario asks for. Returns how many events ran.
    @discardableResult
    public func advance(to t: Double, maxEvents: Int = .max) -> Int {
        var handled = 0
        while handled < maxEvents, let next = queue.nextTime(), next <= t, let event = queue.pop() {
            now = event.time
            handle(event)
            handled += 1
        }
        if t > now, queue.nextTime().map({ $0 > t }) ?? true { now = t }
        return handled
    }

    /// An operator command in demo mode, as the engine decides it (a kill stops the simulated
    /// process, a restore starts it again).
    public func operate(_ command: OperatorCommand) throws(OperatorError) {
        carryOut(try engine.operate(command, now: now))
    }

    /// The endpoint's process dies (the timeline's `crash`): it refuses new connections and its
    /// open ones are reset.
    func crash(service s: Int, slot: Int32) {
        endpoints[s][Int(slot)].crashed = true
        queue.resetCompletions(service: Int32(s), slot: slot, at: now)
    }

    // MARK: Events

    private func handle(_ event: SimEvent) {
        switch event.kind {
        case .arrival:
            let s = trafficService[Int(event.service)]
            window[s].rps += 1
            // The next arrival first: it is due soonest, so it takes the popped root's place
            // cheaply, and the completion (due later) climbs only a little from the bottom.
            scheduleArrival(traffic: Int(event.service), after: now)
            route(service: s, retriesLeft: UInt8(clamping: policies[s].retries), avoiding: -1)
        case .completion:
            complete(event)
        case .healthCheck:
            check(service: Int(event.service), slot: event.slot)
        case .timeline:
            perform(scenario.timeline[Int(event.value)])
        case .tick:
            carryOut(engine.tick(now: now))
            queue.schedule(SimEvent(time: now + Self.tickInterval, order: 0, kind: .tick, service: 0, slot: 0, success: true, value: 0))
        case .sample:
            sample()
            queue.schedule(SimEvent(time: now + sampleInterval, order: 0, kind: .sample, service: 0, slot: 0, success: true, value: 0))
        }
    }

    private func scheduleArrival(traffic i: Int, after t: Double) {
        let rate = scenario.traffic[i].rps(at: t)
        // Poisson arrivals; at zero rate look again shortly.
        let gap = rate > 0 ? -log(max(random.unit(), 1e-300)) / rate : Self.tickInterval
        queue.schedule(SimEvent(time: t + gap, order: 0, kind: .arrival, service: Int32(i), slot: 0, success: true, value: 0))
    }
}
