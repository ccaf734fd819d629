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

    /// Per endpoint: plain (no glyph), TLS or verified mutual TLS, in Unicode and ASCII; the
    /// detail pane names the peer, days to expiry and failed handshakes.
    @Test func tlsGlyphsAndDetail() {
        var state = Fixtures.mesh()
        let s = state.services.firstIndex { $0.name == "checkout" }!
        for e in state.services[s].endpoints.indices {
            switch state.services[s].endpoints[e].id {
            case "checkout-a1":
                state.services[s].endpoints[e].load.tls = EndpointTLS(mode: .mutual, peer: "spiffe://mesh-top.local/ns/default/sa/checkout",
                                                                      expiresInDays: 0, managed: true)
            case "checkout-b1":
                state.services[s].endpoints[e].load.tls = EndpointTLS(mode: .tls, peer: "checkout.internal", expiresInDays: 5,
                                                                      handshakeFailures: 3)
            default: break
            }
        }
        for ascii in [false, true] {
            var view = DashboardView()
            view.selection = .endpoint(Fixtures.ref("checkout", ascii ? "checkout-b1" : "checkout-a1"))
            view.ascii = ascii
            check(DashboardFrame(state: state, status: Fixtures.live, view: view), 100, 30, ascii ? "tls-ascii-100x30" : "tls-100x30")
        }
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

/// The frames issue 16 asked for, each at 80×24 and 120×40: what a newcomer met, and the views
/// that say why traffic goes where it goes.
@Suite struct NewcomerFrameTests {
    let golden = GoldenFrameTests()
    let a1 = Fixtures.ref("checkout", "checkout-a1"), b1 = Fixtures.ref("checkout", "checkout-b1")

    func both(_ frame: DashboardFrame, _ name: String) {
        golden.check(frame, 80, 24, name + "-80x24")
        golden.check(frame, 120, 40, name + "-120x40")
    }

    /// Sorted by errors: the mark fits its column, the titles stay apart.
    @Test func sortedByErrors() { both(golden.frame { $0.sort = .errors }, "sort-errors") }

    /// An action someone took through the API, in the footer as a keyboard one would be.
    @Test func apiActionInTheFooter() {
        both(golden.frame { $0.notice = .init("kill search/search-2 by api") }, "notice-api")
    }

    /// `--speed max`: over at once, and the footer says what still works.
    @Test func finishedAtMaxSpeed() {
        var status = Fixtures.demo
        status.speed = .infinity
        status.finished = true
        both(golden.frame(status), "finished-max")
    }

    @Test func replayFooter() { both(golden.frame(Fixtures.replay), "replay") }

    @Test func graph() { both(golden.frame { $0.graph = true; $0.selection = .endpoint(self.b1) }, "graph") }

    @Test func graphASCII() { golden.check(golden.frame { $0.graph = true; $0.ascii = true }, 120, 40, "graph-ascii-120x40") }

    /// p2c-ewma's picks, checks, outlier record and latency histogram of checkout-b1.
    @Test func inspectP2C() { both(golden.frame { $0.inspecting = true; $0.selection = .endpoint(self.b1) }, "inspect-p2c") }

    /// least-request, and an ejected endpoint's outlier record.
    @Test func inspectEjected() {
        both(golden.frame { $0.inspecting = true; $0.selection = .endpoint(Fixtures.ref("payments", "pay-a1")) }, "inspect-ejected")
    }

    @Test func inspectASCII() {
        golden.check(golden.frame { $0.inspecting = true; $0.ascii = true; $0.selection = .endpoint(self.b1) }, 80, 24, "inspect-ascii-80x24")
    }

    /// The detail pane under the topology: share, the latest pick, checks, outlier record.
    @Test func detailPane() { both(golden.frame { $0.selection = .endpoint(Fixtures.ref("payments", "pay-b2")) }, "detail-least-request") }

    /// Names with combining marks, decomposed Hangul, wide and fullwidth letters (case 08):
    /// drawn as written, columns aligned, and as `?` in ASCII.
    @Test func namesAsWritten() {
        let frame = DashboardFrame(state: Fixtures.scripts(), status: Fixtures.demo, view: DashboardView())
        both(frame, "names")
        var ascii = frame
        ascii.view.ascii = true
        golden.check(ascii, 80, 24, "names-ascii-80x24")
    }
}
