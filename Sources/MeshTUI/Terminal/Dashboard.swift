import CNcursesw
import Foundation
import MeshCore

/// The interactive dashboard: snapshot, render, copy to the terminal, read keys, repeat.
public enum Dashboard {
    /// Why the dashboard ended.
    public enum Exit: Sendable, Equatable {
        /// The operator pressed `q`.
        case quit
        /// SIGINT, SIGTERM or SIGHUP: the terminal was restored, the caller decides the exit code.
        case signal(Int32)
        /// The terminal's input ended (hang-up, closed stdin): nobody is left to press keys.
        case inputClosed
    }

    /// Runs the dashboard on the calling thread until `q` or a stop signal, redrawing every
    /// `refresh` seconds and at once after a key or a resize. The terminal is restored on every
    /// way out; stderr is held back while curses owns the screen and written out afterwards.
    @discardableResult
    public static func run(source: some DashboardSource, refresh: Double = 0.5, theme: Theme = .default,
                           ascii: Bool = false) throws -> Exit {
        TerminalGuard.install()
        // Once the loop is over, a stop signal (say, while the session shuts down) stops at once.
        defer { TerminalGuard.stopping() }
        TerminalGuard.captureStderr()
        defer { TerminalGuard.releaseStderr() }
        let screen = try CursesScreen(theme: theme)
        defer { screen.close() }
        var loop = DashboardLoop(source: source, screen: screen, refresh: refresh,
                                 view: DashboardView(theme: theme, ascii: ascii || !screen.unicode))
        let exit = loop.run()
        source.perform(.quit)
        return exit
    }

    /// The same, on a thread of its own, for callers in async code (curses blocks while it waits
    /// for keys, which must not hold a cooperative thread).
    @discardableResult
    public static func run(source: some DashboardSource, refresh: Double = 0.5, theme: Theme = .default,
                           ascii: Bool = false) async throws -> Exit {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Exit, any Error>) in
            let thread = Thread {
                continuation.resume(with: Result { try run(source: source, refresh: refresh, theme: theme, ascii: ascii) })
            }
            thread.name = "mesh-top dashboard"
            thread.start()
        }
    }
}

/// The loop itself, apart from setup and teardown.
struct DashboardLoop<Source: DashboardSource> {
    let source: Source
    let screen: CursesScreen
    let refresh: Double
    var view: DashboardView
    var state: MeshState
    var status: SessionStatus

    /// Longest wait for a key: how quickly a stop signal is noticed.
    static var pollMilliseconds: Double { 100 }

    init(source: Source, screen: CursesScreen, refresh: Double, view: DashboardView) {
        self.source = source; self.screen = screen; self.view = view
        self.refresh = refresh.isFinite && refresh > 0 ? refresh : 0.5
        (state, status) = source.snapshot()
    }

    mutating func run() -> Dashboard.Exit {
        var nextRefresh = Date().addingTimeInterval(refresh)
        var dirty = true
        var instantEmptyReads = 0
        while true {
            if let sig = TerminalGuard.pendingSignal { return .signal(sig) }
            if dirty { draw(); dirty = false }
            let wait = min(DashboardLoop.pollMilliseconds, max(0, nextRefresh.timeIntervalSinceNow * 1000))
            // Take every key already typed before drawing again, so held keys do not lag.
            let timeout = Int32(wait)
            let started = Date()
            var next = screen.readKey(timeout: timeout)
            // A read that gives up at once instead of waiting is end of file: stop rather than spin.
            if next == nil, timeout >= 20, Date().timeIntervalSince(started) < 0.005 {
                instantEmptyReads += 1
                if instantEmptyReads >= 20 { return .inputClosed }
            } else {
                instantEmptyReads = 0
            }
            while let key = next {
                if key == .resize {
                    screen.updateSize()
                    screen.invalidate()
                } else if apply(key) {
                    return .quit
                }
                dirty = true
                next = screen.readKey(timeout: 0)
            }
            if nextRefresh.timeIntervalSinceNow <= 0 {
                if !view.frozen { takeSnapshot() }
                nextRefresh = Date().addingTimeInterval(refresh)
                dirty = true
            }
        }
    }

    /// Handles a key; true when it quits.
    private mutating func apply(_ key: Key) -> Bool {
        let (next, commands) = handleKey(key, view: view, state: state, status: status)
        view = next
        for command in commands {
            if command == .quit { return true }
            source.perform(command)
        }
        if !commands.isEmpty && !view.frozen { takeSnapshot() }
        return false
    }

    /// The engine's latest state; a new refusal from it becomes the footer's notice.
    private mutating func takeSnapshot() {
        let previous = status.message
        (state, status) = source.snapshot()
        if let message = status.message, message != previous { view.notice = .init(message, warning: true) }
    }

    private mutating func draw() {
        var renderer = DashboardRenderer(frame: DashboardFrame(state: state, status: status, view: view),
                                         cols: Int(screen.cols), rows: Int(screen.rows))
        renderer.draw()
        view.topologyScroll = renderer.topologyScroll
        screen.draw(renderer.buffer)
    }
}
