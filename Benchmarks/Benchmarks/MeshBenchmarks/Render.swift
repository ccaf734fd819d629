import Benchmark
import MeshCore
import MeshTUI

/// One dashboard frame of 10,000 endpoints in 20 services, 120x40, sorted by requests (the
/// costliest order): at most 1 ms (wall clock in ns).
func renderBenchmarks() {
    let state = benchMesh(services: 20, endpoints: 10_000)
    let status = SessionStatus(mode: .demo, speed: 1, source: "bench", duration: 120)
    for sort in [DashboardView.SortKey.name, .rps] {
        var view = DashboardView()
        view.sort = sort
        view.selection = .endpoint(EndpointRef(service: "service-0", endpoint: "ep-00000"))
        let frame = DashboardFrame(state: state, status: status, view: view)
        Benchmark("frame_10000_endpoints_120x40_sort_\(sort.rawValue)", configuration: .init(
            metrics: [.wallClock], thresholds: [.wallClock: ceiling(1_000_000)]
        )) { _ in
            blackHole(render(frame, size: (120, 40)))
        }
    }
}

/// A mesh of `endpoints` in `services`, every state present, full sparklines, varied load.
func benchMesh(services: Int, endpoints: Int) -> MeshState {
    let per = endpoints / services
    let states = EndpointState.allCases
    return MeshState(name: "bench", services: (0..<services).map { s in
        var service = Service(name: "service-\(s)", balancer: .p2cEWMA, zones: ["a", "b"], endpoints: (0..<per).map { e in
            var endpoint = Endpoint(id: "ep-" + String(100_000 + e).dropFirst(), zone: e % 2 == 0 ? "a" : "b",
                                    state: states[(e * 7 + s) % states.count])
            endpoint.load = EndpointLoad(rps: Double((e * 37) % 500), active: e % 9, p50: 0.02, p99: 0.08, errors: Double(e % 3))
            endpoint.history = Sparkline((0..<60).map { Float(($0 * e) % 400) })
            return endpoint
        })
        service.failoverZone = s % 3 == 0 ? "b" : nil
        return service
    })
}
