import Foundation
import Testing

/// The real binary in a real terminal (tmux): what an operator sees and does.
@Suite(.serialized) struct DashboardEndToEndTests {
    @Test(.enabled(if: Tmux.usable("tmux")))
    func drainKillResizeAndQuit() throws {
        let binary = try Executable("mesh-top").url.path
        let tmux = try Tmux(columns: 100, rows: 30, directory: ScenarioStoryTests.root)
        defer { tmux.kill() }
        try tmux.type("\(binary) demo demo/zone-outage.yaml", enter: true)

        let started = try tmux.waitFor { $0.contains("checkout-a1") && $0.contains("8/8 healthy") }
        #expect(started.ok, "topology never appeared:\n\(started.screen)")

        // Select an endpoint (the detail pane names it) and drain it: marked, and listed.
        try tmux.key("j"); try tmux.key("j")
        let first = try selected(tmux)
        try tmux.key("d")
        let drained = try tmux.waitFor { $0.contains("drain \(first)") }
        #expect(drained.ok, "drain not shown:\n\(drained.screen)")
        let marked = try tmux.waitFor { $0.contains("\(first) healthy→draining") || $0.contains("\(first) draining→drained") }
        #expect(marked.ok, "not marked draining:\n\(marked.screen)")

        // Kill another: a confirmation naming it, then killed.
        try tmux.key("j")
        let second = try selected(tmux)
        #expect(second != first)
        try tmux.key("x")
        let asked = try tmux.waitFor { $0.contains("Kill \(second)?") }
        #expect(asked.ok, "no kill confirmation:\n\(asked.screen)")
        try tmux.key("y")
        let killed = try tmux.waitFor { $0.contains("kill \(second) by keyboard") && $0.contains("→killed") }
        #expect(killed.ok, "kill not shown:\n\(killed.screen)")
        // The engine refuses what does not apply, and the footer says why.
        try tmux.key("d")
        let refused = try tmux.waitFor { $0.contains("cannot drain \(second): it is killed") }
        #expect(refused.ok, "refusal not shown:\n\(refused.screen)")

        // Too small, then back.
        try tmux.resize(columns: 40, rows: 10)
        let small = try tmux.waitFor { $0.lowercased().contains("too small") }
        #expect(small.ok, "no too-small screen:\n\(small.screen)")
        try tmux.resize(columns: 100, rows: 30)
        let back = try tmux.waitFor { $0.contains("checkout-a1") && $0.contains("DEMO") }
        #expect(back.ok, "did not recover after resize:\n\(back.screen)")

        // q quits with status 0 and the shell prompt is back.
        try tmux.key("q")
        // capture-pane drops trailing blanks, so the prompt reads "mesh$".
        let prompt = try tmux.waitFor { $0.contains("mesh$") && !$0.contains("DEMO") }
        #expect(prompt.ok, "prompt not back:\n\(prompt.screen)")
        try tmux.type("echo EXIT=$?", enter: true)
        let exit = try tmux.waitFor { $0.contains("EXIT=0") || $0.range(of: "EXIT=[1-9]", options: .regularExpression) != nil }
        #expect(exit.screen.contains("EXIT=0"), "exit status:\n\(exit.screen)")
    }

    /// The endpoint the detail pane shows (right of the events pane's title line), once the
    /// keys sent before have been handled (the same answer twice, 300 ms apart).
    func selected(_ tmux: Tmux) throws -> String {
        var last = try selectedNow(tmux)
        for _ in 0..<20 {
            usleep(300_000)
            let now = try selectedNow(tmux)
            if now == last { return now }
            last = now
        }
        return last
    }

    func selectedNow(_ tmux: Tmux) throws -> String {
        let found = try tmux.waitFor { $0.range(of: "│ checkout/checkout-[ab][0-9]", options: .regularExpression) != nil }
        let screen = found.screen
        let events = screen.range(of: "EVENTS")?.lowerBound ?? screen.startIndex
        guard let range = screen.range(of: "checkout/checkout-[ab][0-9]", options: .regularExpression,
                                       range: events..<screen.endIndex) else {
            throw TmuxError("no endpoint selected:\n\(screen)")
        }
        return String(screen[range])
    }

    @Test(.enabled(if: Tmux.usable("tmux")))
    func sigtermRestoresTheTerminal() throws {
        let binary = try Executable("mesh-top").url.path
        let tmux = try Tmux(columns: 100, rows: 30, directory: ScenarioStoryTests.root)
        defer { tmux.kill() }
        try tmux.type(binary, enter: true)
        let up = try tmux.waitFor { $0.contains("DEMO") }
        #expect(up.ok, "dashboard never appeared:\n\(up.screen)")
        // SIGTERM to mesh-top itself (the pane's shell's child), as a service manager would.
        let shell = try tmux.run(["list-panes", "-t", tmux.session, "-F", "#{pane_pid}"]).trimmingCharacters(in: .whitespacesAndNewlines)
        let children = try String(contentsOfFile: "/proc/\(shell)/task/\(shell)/children", encoding: .utf8)
        let pid = try #require(children.split(separator: " ").first.flatMap { Int32($0) })
        kill(pid, SIGTERM)
        let back = try tmux.waitFor { !$0.contains("DEMO") && $0.contains("mesh$") }
        #expect(back.ok, "terminal not restored after SIGTERM:\n\(back.screen)")
        try tmux.type("echo STATUS=$?", enter: true)
        let status = try tmux.waitFor { $0.range(of: "STATUS=[0-9]", options: .regularExpression) != nil }
        // A first SIGTERM is a stop asked for: 0, as in a headless run (README, exit status).
        #expect(status.screen.contains("STATUS=0"), "exit status after SIGTERM:\n\(status.screen)")
    }
}
