import MeshCore
import Testing
@testable import MeshTUI

/// Keys through the pure input handler, then what the frame shows and what the engine is told.
@Suite struct KeyScriptTests {
    struct Run {
        var view = DashboardView()
        var commands: [SessionCommand] = []
        let state: MeshState
        let status: SessionStatus

        init(_ status: SessionStatus = Fixtures.demo, state: MeshState = Fixtures.mesh()) {
            self.state = state; self.status = status
        }

        mutating func press(_ keys: Key...) { press(keys) }

        mutating func press(_ keys: [Key]) {
            for key in keys {
                let (next, emitted) = handleKey(key, view: view, state: state, status: status)
                view = next
                commands += emitted
            }
        }

        mutating func type(_ text: String) { press(text.map { Key.char($0) }) }

        func screen(_ cols: Int = 80, _ rows: Int = 24) -> String {
            render(DashboardFrame(state: state, status: status, view: view), size: (cols, rows)).text
        }

        /// The topology pane's rows only (events and detail mention endpoints too).
        func topology(_ cols: Int = 80, _ rows: Int = 24) -> String {
            screen(cols, rows).split(separator: "\n", omittingEmptySubsequences: false).dropFirst(2)
                .prefix { !$0.hasPrefix(" EVENTS") }.joined(separator: "\n")
        }

        var footer: String { screen().split(separator: "\n", omittingEmptySubsequences: false)[23].description }
    }

    let a1 = Fixtures.ref("checkout", "checkout-a1"), a2 = Fixtures.ref("checkout", "checkout-a2")
    let b2 = Fixtures.ref("checkout", "checkout-b2")

    @Test func moveAndDrain() {
        var run = Run()
        run.type("jjd")
        #expect(run.commands == [.operate(.drain, a2, weight: nil)])
        #expect(run.view.selection == .endpoint(a2))
        #expect(run.footer.contains("drain checkout/checkout-a2"))
    }

    @Test func arrowsMoveLikeJK() {
        var run = Run()
        run.press(.down, .down, .down, .up)
        #expect(run.view.selection == .endpoint(a2))
        run.press(.end)
        #expect(run.view.selection == .endpoint(Fixtures.ref("search", "search-3")))
        run.press(.home)
        #expect(run.view.selection == .service("checkout"))
    }

    @Test func killAsksFirstAndNameTheEndpoint() {
        var run = Run()
        run.type("jx")
        #expect(run.commands.isEmpty)
        #expect(run.view.confirmation == .init(action: .kill, target: a1))
        #expect(run.footer.contains("Kill checkout/checkout-a1?"))
        #expect(run.footer.contains("y kill"))
        run.type("n")
        #expect(run.commands.isEmpty)
        #expect(run.view.confirmation == nil)
        #expect(run.footer.contains("cancelled"))
        run.type("xy")
        #expect(run.commands == [.operate(.kill, a1, weight: nil)])
    }

    @Test func replayRefusesToChangeHistory() {
        var run = Run(Fixtures.replay)
        run.type("jd")
        run.type("x+r")
        #expect(run.commands.isEmpty)
        #expect(run.view.confirmation == nil)
        #expect(run.footer.contains("replay"))
        run.type(" ]")
        #expect(run.commands == [.togglePause, .seek(by: 10)])
    }

    @Test func liveRefusesSeekAndFreezesOnSpace() {
        var run = Run(Fixtures.live)
        run.type("[")
        #expect(run.commands.isEmpty)
        #expect(run.footer.contains("demo and replay only"))
        run.type(" ")
        #expect(run.view.frozen)
        #expect(run.screen().contains("frozen"))
        #expect(run.commands.isEmpty)
    }

    @Test func weightStepsAndClamps() {
        var run = Run()
        run.type("jjjj")  // checkout-b2, weight 50
        #expect(run.view.selection == .endpoint(b2))
        run.type("+")
        #expect(run.commands == [.operate(.weight, b2, weight: 60)])
        // The state still shows 50: `-` steps back from the 60 just asked for.
        run.type("-")
        #expect(run.commands.last == .operate(.weight, b2, weight: 50))

        var state = Fixtures.mesh()
        state.services[0].endpoints[3].weight = 5
        var low = Run(state: state)
        low.type("jjjj-")
        #expect(low.commands == [.operate(.weight, b2, weight: 0)])
        state.services[0].endpoints[3].weight = 0
        var floor = Run(state: state)
        floor.type("jjjj-")
        #expect(floor.commands.isEmpty)
        #expect(floor.footer.contains("minimum"))
    }

    /// Keys faster than the engine answers (auto-repeat) step on from the last weight asked,
    /// until the state shows it: five quick `+` asked for the same weight five times.
    @Test func quickKeysStepOnFromTheWeightAskedFor() {
        var run = Run()
        run.type("jjjj+++++")
        #expect(run.commands == [60, 70, 80, 90, 100].map { .operate(.weight, b2, weight: $0) })
        // The state has caught up part way: the steps still go on from 100.
        var state = Fixtures.mesh()
        state.services[0].endpoints[3].weight = 70
        var partway = Run(state: state)
        partway.view = run.view
        partway.type("+")
        #expect(partway.commands == [.operate(.weight, b2, weight: 110)])
        // Someone else set another weight meanwhile: that one is the base.
        state.services[0].endpoints[3].weight = 300
        var elsewhere = Run(state: state)
        elsewhere.view = run.view
        elsewhere.type("+")
        #expect(elsewhere.commands == [.operate(.weight, b2, weight: 310)])
    }

    @Test func actionsNeedAnEndpoint() {
        var run = Run()
        run.type("d")
        #expect(run.commands.isEmpty)
        #expect(run.footer.contains("select an endpoint"))
    }

    @Test func filterNarrowsRowsAndEscClears() {
        var run = Run()
        run.type("/pay")
        #expect(run.view.editingFilter)
        #expect(run.footer.contains("/pay"))
        run.press(.enter)
        let topology = run.topology()
        #expect(topology.contains("pay-b1"))
        #expect(!topology.contains("checkout"))
        #expect(run.screen(120, 40).contains("filter /pay"))
        #expect(run.view.selection == .service("payments"))
        run.type("jd")
        #expect(run.commands == [.operate(.drain, Fixtures.ref("payments", "pay-a1"), weight: nil)])
        run.press(.escape)
        #expect(run.view.filter.isEmpty)
        #expect(run.topology().contains("checkout-a1"))
    }

    /// The dashboard goes by the engine's rules: an ejected endpoint is restored (as through
    /// the admin API and `ctl`), an unhealthy one is refused in the engine's words.
    @Test func restoreFollowsTheEngineRules() {
        var run = Run()
        let ejected = Fixtures.ref("payments", "pay-a1")
        #expect(run.state.endpoint(ejected)?.state == .ejected)
        run.type("/ejected")
        run.press(.enter)
        run.type("jr")
        #expect(run.commands == [.operate(.restore, ejected, weight: nil)])
        run.press(.escape)
        run.type("gjr")
        #expect(run.commands.count == 1)
        #expect(run.footer.contains("cannot restore checkout/checkout-a1: it is unhealthy"))
    }

    @Test func filterByStateAndNoMatch() {
        var run = Run()
        run.type("/killed")
        run.press(.enter)
        #expect(run.topology(120, 40).contains("search-2"))
        #expect(!run.topology(120, 40).contains("search-1"))
        run.type("/")
        run.press(.backspace, .backspace, .backspace, .backspace, .backspace, .backspace)
        run.type("zzz")
        #expect(run.screen().contains("nothing matches /zzz"))
    }

    @Test func enterFoldsTheService() {
        var run = Run()
        run.type("jj")
        run.press(.enter)
        #expect(run.view.collapsed == ["checkout"])
        #expect(run.view.selection == .service("checkout"))
        #expect(run.screen().contains("▸ checkout (4)"))
        #expect(!run.topology().contains("checkout-a1"))
        run.press(.enter)
        #expect(run.view.collapsed.isEmpty)
        #expect(run.screen().contains("checkout-a1"))
    }

    @Test func selectionSurvivesResort() {
        var run = Run()
        run.type("jjjj")
        #expect(run.view.selection == .endpoint(b2))
        run.type("s")
        #expect(run.view.sort == .rps)
        #expect(run.view.selection == .endpoint(b2))
        #expect(run.screen().contains("RPS▼"))
        run.type("k")  // by rps checkout-b1 (458) comes before checkout-b2 (255)
        #expect(run.view.selection == .endpoint(Fixtures.ref("checkout", "checkout-b1")))
    }

    @Test func sortCyclesThroughEveryKey() {
        var run = Run()
        var seen: [DashboardView.SortKey] = []
        for _ in 0..<5 { run.type("s"); seen.append(run.view.sort) }
        #expect(seen == [.rps, .errors, .p99, .state, .name])
    }

    @Test func tabMovesKeysToTheEventsPane() {
        var run = Run()
        run.press(.tab)
        #expect(run.view.focus == .events)
        run.type("jj")
        #expect(run.view.eventScroll == 2)
        #expect(run.view.selection == nil)
        #expect(run.screen().contains("2 newer"))
        run.press(.backTab)
        #expect(run.view.focus == .topology)
    }

    @Test func playbackKeysBecomeCommands() {
        var run = Run()
        run.type(" <>[]")
        #expect(run.commands == [.togglePause, .speed(faster: false), .speed(faster: true), .seek(by: -10), .seek(by: 10)])
        run.type("q")
        #expect(run.commands.last == .stop)
    }

    @Test func helpOpensAndQClosesItWithoutQuitting() {
        var run = Run()
        run.type("?")
        #expect(run.screen().contains("mesh-top keys"))
        run.type("q")
        #expect(!run.view.helpVisible)
        #expect(run.commands.isEmpty)
    }

    @Test func resizeToSmallAndBack() {
        var run = Run()
        run.type("jj")
        run.press(.resize)
        let small = run.screen(50, 12)
        #expect(small.contains("terminal too small"))
        #expect(small.contains("have 50x12"))
        run.press(.resize)
        let big = run.screen(80, 24)
        #expect(big.contains("checkout-a2"))
        #expect(run.view.selection == .endpoint(a2))
    }

    @Test func selectionStaysVisibleWhenScrolling() {
        var run = Run()
        run.press(.end)
        #expect(run.screen().contains("search-3"))
        run.press(.home)
        #expect(run.screen().contains("▾ checkout"))
    }

    @Test func hintsAndHelpComeFromTheKeyTable() {
        let footer = Run(Fixtures.replay).footer
        for binding in KeyBinding.table where binding.hint != nil {
            let shown = footer.contains(" \(binding.hintName)")
            if !binding.modes.contains(.replay) { #expect(!shown, "\(binding.name) hinted in replay") }
        }
        var run = Run()
        run.type("?")
        let help = run.screen(100, 30)
        for binding in KeyBinding.table { #expect(help.contains(binding.description), "\(binding.name) missing from help") }
    }
}
