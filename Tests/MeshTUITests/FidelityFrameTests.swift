import MeshCore
import Testing
@testable import MeshTUI

/// What the dashboard must not hide: the count of other alerts at narrow widths, events older
/// than the pane keeps, why the balancer lists no picks, and a service that cannot route.
@Suite struct FidelityFrameTests {
    let golden = GoldenFrameTests()

    /// The fixture's mesh and more events after it, applied as the engine would.
    func mesh(then events: [MeshEvent.Body] = []) -> MeshState {
        var state = Fixtures.mesh()
        for body in events { state.apply(MeshEvent(seq: state.seq + 1, t: state.time + 0.1, body: body)) }
        return state
    }

    func frame(_ state: MeshState, _ change: (inout DashboardView) -> Void = { _ in }) -> DashboardFrame {
        var view = DashboardView()
        view.selection = .endpoint(Fixtures.ref("checkout", "checkout-a1"))
        change(&view)
        return DashboardFrame(state: state, status: Fixtures.demo, view: view)
    }

    static let moreAlerts: [MeshEvent.Body] = [
        .alert(AlertChange(name: "high-latency-p99", severity: .warning, state: .firing, subject: "payments/pay-b2", value: 0.9)),
        .alert(AlertChange(name: "endpoints-down", severity: .warning, state: .firing, subject: "search", value: 1)),
    ]

    /// Three alerts firing: at 80 and 60 columns the header keeps the worst one's mark and
    /// severity and "+2"; the title and the alert's name give way first.
    @Test(arguments: [(80, 24), (60, 16)])
    func narrowHeadersKeepTheAlertCount(cols: Int, rows: Int) {
        let state = mesh(then: Self.moreAlerts)
        #expect(state.alerts.count == 3)
        let buffer = render(frame(state), size: (cols, rows))
        let header = buffer.text.split(separator: "\n", omittingEmptySubsequences: false)[0]
        #expect(header.contains("+2"), "\(header)")
        #expect(header.contains("▲"), "\(header)")
        #expect(header.contains("critical"), "\(header)")
        golden.check(frame(state), cols, rows, "alerts-\(cols)x\(rows)")
    }

    /// Past the 200 notable events the pane keeps, it says how many it dropped: in its title
    /// and below the oldest kept, once scrolled there.
    @Test func eventsPaneSaysHowManyOlderEventsItDropped() {
        let target = Fixtures.ref("search", "search-1")
        var bodies: [MeshEvent.Body] = []
        for n in 0..<1_300 {
            let drain = n % 2 == 0
            bodies.append(.endpointState(StateChange(endpoint: target, from: drain ? .healthy : .draining,
                                                     to: drain ? .draining : .healthy, reason: drain ? "operator drain" : "operator restore")))
        }
        let state = mesh(then: bodies)
        let dropped = state.logDropped
        #expect(state.log.count == MeshState.logLength)
        #expect(dropped > 1_000)
        let top = render(frame(state) { $0.focus = .events }, size: (100, 30)).text
        #expect(top.contains("EVENTS  200 of \(Format.grouped(Double(200 + dropped)))"), "\(top)")
        let bottom = frame(state) { $0.focus = .events; $0.eventScroll = MeshState.logLength - 1 }
        let text = render(bottom, size: (100, 30)).text
        #expect(text.contains("… \(Format.grouped(Double(dropped))) older events not shown"), "\(text)")
        golden.check(bottom, 100, 30, "events-dropped-100x30")
        // A seek's keyframe replaces the state, not the count of what the pane lost.
        var replaced = state
        replaced.apply(MeshEvent(seq: state.seq + 1, t: state.time + 1, body: .keyframe(Fixtures.mesh())))
        #expect(replaced.logDropped >= dropped)
    }

    /// Least-request with equal weights and no traffic lists no picks because there were none,
    /// not because the weights differ; with unequal weights it says they do.
    @Test func inspectSaysWeightsDifferOnlyWhenTheyDo() {
        var state = mesh()
        let s = state.services.firstIndex { $0.name == "payments" }!
        state.services[s].picks = nil
        for e in state.services[s].endpoints.indices {
            state.services[s].endpoints[e].load.balancer = BalancerView(weight: 10_000, share: 1.0 / 3, active: 0)
        }
        let target = Fixtures.ref("payments", "pay-b1")
        let equal = render(frame(state) { $0.inspecting = true; $0.selection = .endpoint(target) }, size: (120, 40)).text
        #expect(!equal.contains("weights differ"), "\(equal)")
        #expect(equal.contains("no picks in the last window"), "\(equal)")
        state.services[s].endpoints[0].load.balancer = BalancerView(weight: 40_000, share: 2.0 / 3, active: 0)
        let unequal = render(frame(state) { $0.inspecting = true; $0.selection = .endpoint(target) }, size: (120, 40)).text
        #expect(unequal.contains("weights differ"), "\(unequal)")
    }

    /// Every endpoint of search at weight 0: the proxy answers 503, and the topology, the
    /// service's detail and inspect say why instead of showing a healthy service.
    @Test func aServiceWithEveryWeightAtZeroSaysWhy() {
        var bodies: [MeshEvent.Body] = []
        for id in ["search-1", "search-2", "search-3"] {
            bodies.append(.operatorCommand(OperatorCommand(action: .weight, target: Fixtures.ref("search", id), by: "keyboard", weight: 0)))
        }
        let state = mesh(then: bodies)
        #expect(state.service("search")?.allWeightsZero == true)
        #expect(state.service("checkout")?.allWeightsZero == false)
        let selected = frame(state) { $0.selection = .service("search") }
        let text = render(selected, size: (120, 40)).text
        #expect(text.contains("NO WEIGHT"), "\(text)")
        #expect(text.contains("NO WEIGHT                            weight 0"), "\(text)")
        #expect(text.contains("no endpoint with weight > 0: requests get 503"), "\(text)")
        golden.check(selected, 120, 40, "weight-zero-120x40")
        let inspect = render(frame(state) { $0.inspecting = true; $0.selection = .endpoint(Fixtures.ref("search", "search-1")) },
                             size: (120, 40)).text
        #expect(inspect.contains("every endpoint has weight 0"), "\(inspect)")
    }
}
