import Benchmark
import MeshCore

/// What 10,000 endpoints keep on the heap: the registry (the mesh state with a minute of samples
/// in every sparkline), the engine's health and outlier state, and one balancer. Measured as
/// bytes allocated and not freed while it is built (the state stays alive): at most 512 bytes an
/// endpoint, 5,120,000 in all.
func memoryBenchmarks() {
    let endpoints = 10_000
    var kept: [(MeshEngine, Balancer)] = []
    Benchmark("state_of_10000_endpoints", configuration: .init(
        metrics: [.memoryLeakedBytes, .mallocCountTotal], warmupIterations: 0, maxIterations: 5,
        thresholds: [.memoryLeakedBytes: ceiling(512 * endpoints)]
    )) { _ in
        kept.append(meshState(endpoints: endpoints))
    }
}

func meshState(endpoints: Int) -> (MeshEngine, Balancer) {
    let kind = BalancerKind.p2cEWMA
    let mesh = MeshState(name: "memory", services: [Service(name: "big", balancer: kind, zones: ["a", "b"],
        endpoints: (0..<endpoints).map { Endpoint(id: "endpoint-\($0)", address: "10.0.\($0 / 250).\($0 % 250):8080",
                                                  zone: $0 % 2 == 0 ? "a" : "b") })])
    let engine = MeshEngine(mesh: mesh, policies: ["big": ServicePolicy(balancer: kind, zones: ["a", "b"])])
    var picker = Balancer(kind: kind, seed: 1)
    func publish(_ output: MeshEngine.Output) {
        for case .publish(_, let hosts) in output.effects { picker.update(hosts) }
    }
    publish(engine.start(now: 0))
    for slot in engine.slots(ofService: 0) { publish(engine.healthCheck(service: 0, slot: slot, passed: true, now: 1)) }
    let refs = engine.state.services[0].endpoints.map { EndpointRef(service: "big", endpoint: $0.id) }
    for t in 0..<Endpoint.historyLength {
        publish(engine.recordSample(refs.map { LoadSample.Entry(endpoint: $0, load: EndpointLoad(rps: 10, active: 1, p50: 0.01, p99: 0.05)) },
                                    now: Double(2 + t)))
    }
    return (engine, picker)
}
