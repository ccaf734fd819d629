import Foundation
import Testing

/// Pasted text and tiny terminals, in a real terminal (tmux) against the real binary.
extension DashboardEndToEndTests {
    /// Text pasted into the filter that holds an end marker of its own, the keys x (kill) and
    /// y (confirm) after it, a line break and more words: tmux's `paste-buffer -p` passes the
    /// marker on. Nothing of it runs as a command: no operator event, no kill question, no
    /// seek (the paste's real end is the keys `[` and `~` to a reader that took the first end).
    @Test(.enabled(if: Tmux.usable("tmux")))
    func pastedTextWithAnEndMarkerRunsNoCommand() throws {
        let port = Executable.freePort()
        let tmux = try dashboard("demo demo/zone-outage.yaml --admin 127.0.0.1:\(port)") { $0.contains("checkout-b1") && $0.contains("t 00:0") }
        defer { tmux.kill() }
        // Past 00:10 first, so that a seek back would show.
        try tmux.key("]")
        let later = try tmux.waitFor { $0.contains("t 00:1") || $0.contains("t 00:2") }
        #expect(later.ok, "no seek forward:\n\(later.screen)")
        try tmux.key("/")
        let prompt = try tmux.waitFor { $0.contains("Esc clear") }
        #expect(prompt.ok, "no filter prompt:\n\(prompt.screen)")
        _ = try tmux.run(["set-buffer", "-b", "meshpaste", "checkout\u{1B}[201~xy\njust proxy it"])
        _ = try tmux.run(["paste-buffer", "-p", "-b", "meshpaste", "-t", tmux.session])
        let pasted = try tmux.waitFor { $0.contains("/checkoutxy just proxy it") }
        #expect(pasted.ok, "the paste is not all in the filter:\n\(pasted.screen)")
        #expect(!pasted.screen.contains("Kill "), "a kill question:\n\(pasted.screen)")
        #expect(!pasted.screen.contains("t 00:0"), "a seek back:\n\(pasted.screen)")
        let events = try Executable("mesh-top").run(["ctl", "--admin", "127.0.0.1:\(port)", "events", "--once"])
        #expect(events.status == 0, "\(events.stderr)")
        #expect(!events.stdout.contains("\"operator\""), "an operator action ran:\n\(events.stdout)")
        try tmux.key("Escape")
        try tmux.key("q")
    }

    /// Resized to one cell, then 10×3, mid-run: no crash, a too-small screen, and the whole
    /// dashboard back at full size, still running; q then quits with status 0.
    @Test(.enabled(if: Tmux.usable("tmux")))
    func tinyTerminalsMidRunAndBack() throws {
        let tmux = try dashboard("demo demo/zone-outage.yaml") { $0.contains("checkout-b1") }
        defer { tmux.kill() }
        for (columns, rows) in [(1, 1), (10, 3), (2, 40), (120, 1)] {
            try tmux.resize(columns: columns, rows: rows)
            usleep(400_000)
        }
        try tmux.resize(columns: 120, rows: 40)
        let back = try tmux.waitFor { $0.contains("checkout-b1") && $0.contains("DEMO") && $0.contains("EVENTS") }
        #expect(back.ok, "did not recover:\n\(back.screen)")
        try tmux.key("q")
        let prompt = try tmux.waitFor { $0.contains("mesh$") && !$0.contains("DEMO") }
        #expect(prompt.ok, "prompt not back:\n\(prompt.screen)")
        try tmux.type("echo EXIT=$?", enter: true)
        let exit = try tmux.waitFor { $0.range(of: "EXIT=[0-9]", options: .regularExpression) != nil }
        #expect(exit.screen.contains("EXIT=0"), "exit status:\n\(exit.screen)")
    }
}
