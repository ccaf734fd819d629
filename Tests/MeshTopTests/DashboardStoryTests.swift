import Foundation
import Testing

/// What issue 16's newcomer did, in a real terminal (tmux) against the real binary: seek after
/// acting, footer notices that go, actions from the API, the mouse, and a run config's demo.
/// In the serialized end-to-end suite: one dashboard at a time on a busy machine.
extension DashboardEndToEndTests {
    /// Starts `arguments` in a fresh 120×40 tmux pane; returns it once `ready` holds.
    func dashboard(_ arguments: String, ready: (String) -> Bool) throws -> Tmux {
        let binary = try Executable("mesh-top").url.path
        let tmux = try Tmux(columns: 120, rows: 40, directory: ScenarioStoryTests.root)
        try tmux.type("\(binary) \(arguments)", enter: true)
        let up = try tmux.waitFor(20, ready)
        if !up.ok { tmux.kill() }
        try #require(up.ok, "dashboard never came up:\n\(up.screen)")
        return tmux
    }

    /// The topology row of an endpoint, as the table shows it.
    func row(_ screen: String, _ id: String) -> String {
        screen.split(separator: "\n").first { $0.contains(" \(id) ") && !$0.contains("/\(id)") }.map(String.init) ?? ""
    }

    /// `/` then the id: the filter leaves its service and the endpoint, j selects the endpoint.
    func select(_ tmux: Tmux, _ id: String) throws {
        try tmux.key("/")
        try tmux.type(id)
        try tmux.key("Enter")
        try tmux.key("j")
        let shown = try tmux.waitFor { $0.contains("│ checkout/\(id)") }
        try #require(shown.ok, "\(id) not selected:\n\(shown.screen)")
    }

    /// Drain one endpoint, kill another, `[` then `]`: the history shows both again.
    @Test(.enabled(if: Tmux.usable("tmux")))
    func seekKeepsTheOperatorsActions() throws {
        let tmux = try dashboard("demo demo/zone-outage.yaml") { $0.contains("checkout-b1") && $0.contains("healthy") }
        defer { tmux.kill() }
        // Forward 20 s first, so that 10 s back lands before the actions.
        try tmux.key("]"); try tmux.key("]")
        let later = try tmux.waitFor { $0.contains("t 00:2") }
        #expect(later.ok, "no seek forward:\n\(later.screen)")
        try select(tmux, "checkout-b1")
        try tmux.key("d")
        try tmux.key("Escape")
        try select(tmux, "checkout-b2")
        try tmux.key("x")
        let asked = try tmux.waitFor { $0.contains("Kill checkout/checkout-b2?") }
        #expect(asked.ok, "no question:\n\(asked.screen)")
        try tmux.key("y")
        try tmux.key("Escape")
        let acted = try tmux.waitFor { self.row($0, "checkout-b2").contains("killed") && !self.row($0, "checkout-b1").contains(" healthy") }
        #expect(acted.ok, "actions not shown:\n\(acted.screen)")

        // Back 10 s: before the actions, both are healthy; forward again: both acted on again.
        try tmux.key("[")
        let before = try tmux.waitFor { !self.row($0, "checkout-b2").contains("killed") && !self.row($0, "checkout-b1").contains("drain") }
        #expect(before.ok, "a seek back before the actions shows them undone:\n\(before.screen)")
        try tmux.key("]")
        let after = try tmux.waitFor {
            self.row($0, "checkout-b2").contains("killed")
                && (self.row($0, "checkout-b1").contains("draining") || self.row($0, "checkout-b1").contains("drained"))
        }
        #expect(after.ok, "the seek lost the operator's actions:\n\(after.screen)")
        #expect(after.screen.contains("drain checkout/checkout-b1 by keyboard"))
        #expect(after.screen.contains("kill checkout/checkout-b2 by keyboard"))
        try tmux.key("q")
    }

    /// A notice goes after a few seconds and the key hints come back; an action through the
    /// API shows in the footer and the events, with who took it; so does its refusal.
    @Test(.enabled(if: Tmux.usable("tmux")))
    func footerNoticesExpireAndAPIActionsShow() throws {
        let port = Executable.freePort()
        let tmux = try dashboard("demo demo/zone-outage.yaml --admin 127.0.0.1:\(port)") { $0.contains("checkout-b1") }
        defer { tmux.kill() }
        try tmux.key("s")
        let notice = try tmux.waitFor { $0.contains("sort: rps") }
        #expect(notice.ok, "no notice:\n\(notice.screen)")
        #expect(!notice.screen.contains("? help"), "the notice replaces the hints while it shows")
        let hints = try tmux.waitFor(15) { $0.contains("? help") && !$0.contains("sort: rps") }
        #expect(hints.ok, "the notice stayed:\n\(hints.screen)")

        let ctl = try Executable("mesh-top")
        let drain = try ctl.run(["ctl", "--admin", "127.0.0.1:\(port)", "drain", "checkout/checkout-b1"])
        #expect(drain.status == 0, "\(drain.stderr)")
        let shown = try tmux.waitFor { $0.split(separator: "\n").last?.contains("drain checkout/checkout-b1 by api") == true }
        #expect(shown.ok, "the API's action is not in the footer:\n\(shown.screen)")
        #expect(shown.screen.contains("⚙ drain checkout/checkout-b1 by api"), "nor in the events pane")
        let again = try ctl.run(["ctl", "--admin", "127.0.0.1:\(port)", "drain", "checkout/checkout-b1"])
        #expect(again.status == 1)
        let refused = try tmux.waitFor { $0.contains("api: cannot drain checkout/checkout-b1") }
        #expect(refused.ok, "the API's refusal is not in the footer:\n\(refused.screen)")
        let gone = try tmux.waitFor(15) { !$0.contains("api: cannot drain") && $0.contains("? help") }
        #expect(gone.ok, "the refusal stayed:\n\(gone.screen)")
        try tmux.key("q")
    }

    /// A click selects the row under it, a click on a title sorts, the wheel scrolls events.
    @Test(.enabled(if: Tmux.usable("tmux")))
    func mouseClicksSelectSortAndScroll() throws {
        let tmux = try dashboard("demo demo/zone-outage.yaml") { $0.contains("checkout-b2") && $0.contains("EVENTS") }
        defer { tmux.kill() }
        let screen = try tmux.screen().split(separator: "\n", omittingEmptySubsequences: false)
        let y = try #require(screen.firstIndex { $0.contains(" checkout-b2 ") })
        // xterm's SGR reports, counted from 1: press and release of the first button.
        try tmux.type("\u{1B}[<0;12;\(y + 1)M\u{1B}[<0;12;\(y + 1)m")
        let selected = try tmux.waitFor { $0.contains("│ checkout/checkout-b2") }
        #expect(selected.ok, "the click did not select:\n\(selected.screen)")

        let title = try #require(screen.firstIndex { $0.contains("NAME") && $0.contains("P99") })
        let p99 = try #require(screen[title].range(of: "P99"))
        let x = screen[title].distance(from: screen[title].startIndex, to: p99.lowerBound)
        try tmux.type("\u{1B}[<0;\(x + 2);\(title + 1)M\u{1B}[<0;\(x + 2);\(title + 1)m")
        let sorted = try tmux.waitFor { $0.contains("P99▼") }
        #expect(sorted.ok, "the click on P99 did not sort:\n\(sorted.screen)")

        // Events to scroll: the eight first verdicts.
        let listed = try tmux.waitFor { $0.contains("EVENTS  8") }
        #expect(listed.ok, "\(listed.screen)")
        let now = listed.screen.split(separator: "\n", omittingEmptySubsequences: false)
        let events = try #require(now.firstIndex { $0.contains("EVENTS") }) + 2
        try tmux.type("\u{1B}[<65;5;\(events + 1)M")
        let scrolled = try tmux.waitFor { $0.contains("newer") }
        #expect(scrolled.ok, "the wheel did not scroll the events:\n\(scrolled.screen)")
        try tmux.key("q")
    }

    /// `demo mesh.yaml`: the run config's services and endpoints, simulated; keys work on them.
    @Test(.enabled(if: Tmux.usable("tmux")))
    func aRunConfigPlaysAsADemo() throws {
        let tmux = try dashboard("demo demo/mesh.yaml") { $0.contains("web-3") && $0.contains("DEMO") }
        defer { tmux.kill() }
        let screen = try tmux.screen()
        #expect(screen.contains("▾ web") && screen.contains("▾ api"), "\(screen)")
        let up = try tmux.waitFor { $0.contains("3/3 healthy") }
        #expect(up.ok, "\(up.screen)")
        try tmux.key("j"); try tmux.key("j"); try tmux.key("d")
        let drained = try tmux.waitFor { $0.contains("drain web/web-1 by keyboard") }
        #expect(drained.ok, "\(drained.screen)")
        try tmux.key("q")
        let prompt = try tmux.waitFor { $0.contains("mesh$") && !$0.contains("DEMO") }
        #expect(prompt.ok)
    }
}
