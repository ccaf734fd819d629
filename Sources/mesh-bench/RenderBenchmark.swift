import ArgumentParser
import Foundation
import MeshCore
import MeshTUI

/// `mesh-bench render`: time to build one frame of a large mesh (target ≤ 2 ms at 10,000 endpoints).
struct RenderBenchmark: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "render",
        abstract: "Time to build one dashboard frame for a large mesh (target: ≤ 2 ms for 10,000 endpoints)."
    )

    @Option(help: "Endpoints in all.") var endpoints = 10_000
    @Option(help: "Services they are spread over.") var services = 20
    @Option(help: "Frames per run.") var frames = 200
    @Option(help: "Runs to take the median of.") var runs = 5

    func run() {
        let state = Self.mesh(services: services, endpoints: endpoints)
        let status = SessionStatus(mode: .demo, speed: 1, source: "bench", duration: 120)
        print("one frame, \(endpoints) endpoints in \(services) services, median of \(runs) runs of \(frames) frames")
        for size in [(80, 24), (120, 40), (200, 60)] {
            for sort in DashboardView.SortKey.allCases {
                var view = DashboardView()
                view.sort = sort
                view.selection = .endpoint(EndpointRef(service: "service-0", endpoint: "ep-00000"))
                let frame = DashboardFrame(state: state, status: status, view: view)
                _ = render(frame, size: size)
                var times: [Double] = []
                for _ in 0..<runs {
                    times.append(Measure.time { for _ in 0..<frames { _ = render(frame, size: size) } } / Double(frames))
                }
                print("  \(size.0)x\(size.1) sort \(sort.rawValue): \(Measure.format(Measure.median(times) * 1000, 3)) ms")
            }
        }
    }

    static func mesh(services: Int, endpoints: Int) -> MeshState {
        let per = endpoints / services
        let states = EndpointState.allCases
        return MeshState(name: "bench", services: (0..<services).map { s in
            var service = Service(name: "service-\(s)", balancer: .p2cEWMA, zones: ["a", "b"], endpoints: (0..<per).map { e in
                var endpoint = Endpoint(id: String(format: "ep-%05d", e), zone: e % 2 == 0 ? "a" : "b",
                                        state: states[(e * 7 + s) % states.count])
                endpoint.load = EndpointLoad(rps: Double((e * 37) % 500), active: e % 9, p50: 0.02, p99: 0.08, errors: Double(e % 3))
                endpoint.history = (0..<60).map { Float(($0 * e) % 400) }
                return endpoint
            })
            service.failoverZone = s % 3 == 0 ? "b" : nil
            return service
        })
    }
}
