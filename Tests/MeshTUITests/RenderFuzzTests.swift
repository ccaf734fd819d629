import MeshCore
import PropertyBased
import Testing
@testable import MeshTUI

/// Whatever a recording may carry within its ranges, and doubles past them (infinite, NaN) as
/// arithmetic could make them, the dashboard draws: rates of a billion, thirty years of time.
@Suite struct RenderFuzzTests {
    static let edges: [Double] = [0, -0.0, Double.leastNonzeroMagnitude, 0.0005, 1, 59.5, 3599.9, 1e6, 1e9, 9.2e18, 1.9e19, 1e300,
                                  .greatestFiniteMagnitude, .infinity, -.infinity, .nan, -1, -1e19]

    static let number = Gen.int(in: 0...(edges.count - 1)).map { edges[$0] }

    @Test func extremeLoadsAndTimesRender() async {
        await propertyCheck(count: 150, input: Self.number.array(of: 6), Gen.int(in: 0...2)) { values, size in
            var state = Fixtures.mesh()
            state.time = values[0]
            for s in state.services.indices {
                for e in state.services[s].endpoints.indices {
                    state.services[s].endpoints[e].load = EndpointLoad(rps: values[1], active: Int(saturating: values[2]).clamped(to: RecordedRange.active),
                                                                       p50: values[3], p99: values[4], errors: values[5])
                    state.services[s].endpoints[e].since = values[0]
                    state.services[s].endpoints[e].history = Sparkline(values.map { Float($0) })
                }
            }
            let status = SessionStatus(mode: .replay, speed: values[1], source: "fuzz", duration: values[0])
            let dims = [(80, 24), (120, 40), (50, 12)][size]
            let buffer = render(DashboardFrame(state: state, status: status), size: (cols: dims.0, rows: dims.1))
            #expect(buffer.cols == dims.0)
            for v in values {
                _ = (Format.rate(v), Format.errors(v), Format.latency(v), Format.clock(v), Format.age(v),
                     Format.grouped(v), Format.percent(v), Format.fixed(v, 2))
            }
        }
    }
}

extension Comparable {
    func clamped(to range: ClosedRange<Self>) -> Self { min(max(self, range.lowerBound), range.upperBound) }
}
