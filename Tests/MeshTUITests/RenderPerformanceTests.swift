import Foundation
import MeshCore
import Testing
@testable import MeshTUI

/// One frame of a 10,000-endpoint mesh must stay cheap: only visible rows are formatted.
@Suite struct RenderPerformanceTests {
    func milliseconds(_ frame: DashboardFrame, _ size: (Int, Int), runs: Int = 20) -> Double {
        _ = render(frame, size: size)
        let start = DispatchTime.now().uptimeNanoseconds
        for _ in 0..<runs { _ = render(frame, size: size) }
        return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6 / Double(runs)
    }

    @Test(arguments: [(20, 500), (1, 10_000)])
    func tenThousandEndpoints(services: Int, perService: Int) {
        let state = Fixtures.large(services: services, perService: perService)
        var view = DashboardView()
        view.selection = .endpoint(EndpointRef(service: "service-0", endpoint: "svc0-ep005000"))
        var results: [String] = []
        var worst = 0.0
        for sort in DashboardView.SortKey.allCases {
            view.sort = sort
            let ms = milliseconds(DashboardFrame(state: state, status: Fixtures.demo, view: view), (120, 40))
            worst = max(worst, ms)
            results.append("\(sort.rawValue) \(Format.fixed(ms, 2))ms")
        }
        print("render \(services)x\(perService) endpoints at 120x40: " + results.joined(separator: ", "))
        // Debug builds, run beside other tests, are far slower than release (measured ≤ 2 ms there);
        // this bound only catches quadratic work.
        #expect(worst < 500)
    }
}
