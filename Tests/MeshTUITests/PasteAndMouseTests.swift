import Foundation
import MeshCore
import Testing
@testable import MeshTUI

/// Pasted text, the mouse and the views, through the pure input handler and `hitTest`.
@Suite struct PasteAndMouseTests {
    typealias Run = KeyScriptTests.Run
    let a2 = Fixtures.ref("checkout", "checkout-a2"), b1 = Fixtures.ref("checkout", "checkout-b1")

    /// Case 13: two lines pasted into the filter prompt are text, whatever letters they hold.
    @Test func aPasteIntoTheFilterIsText() {
        var run = Run()
        run.press(.char("j"), .char("j"), .char("/"), .paste("web-2\njust proxy it, x then y"))
        #expect(run.commands.isEmpty)
        #expect(run.view.editingFilter)
        #expect(run.view.filter == "web-2 just proxy it, x then y")
        #expect(run.view.confirmation == nil)
    }

    @Test func aPasteElsewhereIsRefusedNotRun() {
        var run = Run()
        run.press(.char("j"), .char("j"), .paste("xy"))
        #expect(run.commands.isEmpty && run.view.confirmation == nil)
        #expect(run.footer.contains("pasted text is not a command"))
        // A question open: a paste neither answers nor closes it.
        run.press(.char("x"), .paste("y"))
        #expect(run.view.confirmation != nil && run.commands.isEmpty)
        run.press(.char("y"))
        #expect(run.commands == [.operate(.kill, a2, weight: nil)])
    }

    /// A click on a row selects it, on a title sorts by it; the wheel scrolls.
    @Test func clicksSelectAndSort() throws {
        var run = Run()
        let frame = DashboardFrame(state: run.state, status: run.status, view: run.view)
        let screen = run.screen().split(separator: "\n", omittingEmptySubsequences: false)
        let y = try #require(screen.firstIndex { $0.contains("checkout-b1") })
        let target = try #require(hitTest(frame, size: (80, 24), x: 10, y: y))
        #expect(target == .row(.endpoint(b1)))
        run.press(.click(target))
        #expect(run.view.selection == .endpoint(b1))
        let errors = try #require(screen[2].range(of: "ERR/s"))
        let x = screen[2].distance(from: screen[2].startIndex, to: errors.lowerBound)
        let sort = try #require(hitTest(frame, size: (80, 24), x: x + 1, y: 2))
        #expect(sort == .sort(.errors))
        run.press(.click(sort))
        #expect(run.view.sort == .errors)
        #expect(run.screen().split(separator: "\n")[2].contains("ERR/s▼"))
        // Zone rows are headings: nothing to select there.
        let zone = try #require(screen.firstIndex { $0.contains("zone b") })
        #expect(hitTest(frame, size: (80, 24), x: 5, y: zone) == .pane(.topology))
        let events = try #require(screen.firstIndex { $0.contains("EVENTS") }) + 2
        #expect(hitTest(frame, size: (80, 24), x: 5, y: events) == .pane(.events))
    }

    @Test func theWheelScrollsTheTopologyAndTheEvents() {
        var run = Run()
        run.press(.wheel(up: false, pane: .topology))
        #expect(run.view.selection == .endpoint(b1), "three rows down from the first")
        run.press(.wheel(up: false, pane: .events), .wheel(up: false, pane: .events))
        #expect(run.view.eventScroll == 6)
        #expect(run.view.focus == .topology, "the wheel does not move the keyboard")
        run.press(.wheel(up: true, pane: .events))
        #expect(run.view.eventScroll == 3)
    }

    /// `v` draws the topology as a graph, rows as in the table: keys and clicks still select.
    @Test func graphViewKeepsRowsAndSelection() throws {
        var run = Run()
        run.type("v")
        #expect(run.view.graph)
        run.type("jjj")
        #expect(run.view.selection == .endpoint(b1))
        let screen = run.screen(120, 40)
        #expect(screen.contains("GRAPH"))
        let line = try #require(screen.split(separator: "\n").first { $0.contains("checkout-b1") })
        #expect(line.contains("64%"), "the edge carries b1's share of zone b: \(line)")
        let frame = DashboardFrame(state: run.state, status: run.status, view: run.view)
        let y = try #require(screen.split(separator: "\n", omittingEmptySubsequences: false).firstIndex { $0.contains("pay-b2") })
        #expect(hitTest(frame, size: (120, 40), x: 100, y: y) == .row(.endpoint(Fixtures.ref("payments", "pay-b2"))))
        run.type("v")
        #expect(!run.view.graph)
    }

    @Test func inspectNeedsAnEndpointAndEscCloses() {
        var run = Run()
        run.type("i")
        #expect(!run.view.inspecting && run.footer.contains("select an endpoint to inspect"))
        run.type("jjji")
        #expect(run.view.inspecting)
        #expect(run.screen().contains("INSPECT checkout/checkout-b1"))
        run.press(.escape)
        #expect(!run.view.inspecting)
    }

    /// At 80 columns the hint bar keeps whole hints by priority: operator keys, seek and pause
    /// in a demo, and always help and quit.
    @Test func theHintBarFitsByPriority() {
        let demo = Run().footer
        for hint in [" d drain", " x kill", " r restore", " [] seek", " space pause", " ? help", " q quit"] {
            #expect(demo.contains(hint), "\(hint) missing from \(demo)")
        }
        let replay = Run(Fixtures.replay).footer
        #expect(replay.contains(" [] seek") && !replay.contains("drain"))
        #expect(Run(Fixtures.live).footer.contains(" d drain") && !Run(Fixtures.live).footer.contains("seek"))
    }
}
