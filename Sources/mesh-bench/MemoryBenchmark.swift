import ArgumentParser
import CAllocCounter
import MeshCore

/// `mesh-bench memory`: heap bytes per endpoint held by the registry (the mesh state), the engine's
/// health and outlier state and one balancer, for a large service (target ≤ 1 KiB per endpoint).
struct MemoryBenchmark: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "memory",
        abstract: "Registry + balancer + health state per endpoint (target: ≤ 1 KiB at 10,000 endpoints)."
    )

    @Option(help: "Endpoints.") var endpoints = 10_000
    @Option(help: "Balancer.") var balancer = BalancerKind.maglev

    func run() throws {
        let kind = balancer
        let before = mesh_heap_bytes()
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
        // A minute of samples, so every sparkline is full.
        let refs = engine.state.services[0].endpoints.map { EndpointRef(service: "big", endpoint: $0.id) }
        for t in 0..<Endpoint.historyLength {
            _ = engine.recordSample(refs.map { LoadSample.Entry(endpoint: $0, load: EndpointLoad(rps: 10, active: 1, p50: 0.01, p99: 0.05)) },
                                now: Double(2 + t))
        }
        let used = mesh_heap_bytes() - before
        _ = picker.pick(hash: 1)
        print("\(endpoints) endpoints (\(balancer.rawValue)), state with full sparklines, health, outlier and balancer:")
        print("  \(used / endpoints) bytes per endpoint   (target ≤ 1024)")
        withExtendedLifetime(engine) {}
    }
}
