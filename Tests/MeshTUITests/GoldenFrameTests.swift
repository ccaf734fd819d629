import MeshCore
import Testing
@testable import MeshTUI

/// What users see, at the sizes that matter, compared with reviewed golden files.
@Suite struct GoldenFrameTests {
    func frame(_ status: SessionStatus = Fixtures.demo, _ change: (inout DashboardView) -> Void = { _ in }) -> DashboardFrame {
        var view = DashboardView()
        view.selection = .endpoint(Fixtures.ref("checkout", "checkout-a1"))
        change(&view)
        return DashboardFrame(state: Fixtures.mesh(), status: status, view: view)
    }

    func check(_ frame: DashboardFrame, _ cols: Int, _ rows: Int, _ name: String) {
        let buffer = render(frame, size: (cols, rows))
        assertSnapshot(buffer.text, named: name)
        assertSnapshot(buffer.styleText, named: name + ".style")
    }

    @Test func demo80x24() { check(frame(), 80, 24, "demo-80x24") }

    @Test func demo120x40() { check(frame(), 120, 40, "demo-120x40") }

    @Test func replaySortedByRPSInASCII() {
        check(frame(Fixtures.replay) { $0.sort = .rps; $0.ascii = true; $0.focus = .events }, 100, 30, "replay-ascii-100x30")
    }

    @Test func killConfirmation() {
        check(frame { $0.confirmation = .init(action: .kill, target: Fixtures.ref("checkout", "checkout-b1")) }, 80, 24, "confirm-kill-80x24")
    }

    /// The detail pane shows what the balancer uses to pick checkout-b1.
    @Test func detailShowsTheBalancersView() {
        check(frame { $0.selection = .endpoint(Fixtures.ref("checkout", "checkout-b1")) }, 100, 30, "detail-balancer-100x30")
    }

    /// A shared mesh: the instances in the header, where another instance sees an endpoint
    /// otherwise (on its row and in the detail pane, with its owner), who drained what where.
    @Test func sharedMeshShowsInstancesOwnersAndDisagreements() {
        var view = DashboardView()
        view.selection = .endpoint(Fixtures.ref("checkout", "checkout-b1"))
        check(DashboardFrame(state: Fixtures.shared(), status: Fixtures.live, view: view), 100, 30, "shared-100x30")
    }

    @Test func helpScreen() { check(frame { $0.helpVisible = true }, 80, 24, "help-80x24") }

    @Test func minimumSize() { check(frame(), 60, 16, "demo-60x16") }

    @Test func tooSmall() { check(frame(), 50, 12, "too-small-50x12") }

    @Test func emptyMesh() {
        let buffer = render(DashboardFrame(state: MeshState(name: "empty"), status: Fixtures.live), size: (80, 24))
        #expect(buffer.text.contains("no services registered yet"))
        #expect(buffer.text.contains("no events yet"))
    }
}
