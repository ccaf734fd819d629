import CNcursesw
import Foundation
public import MeshCore

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
    /// `mouse`: clicks and the wheel, where the terminal reports them (`--no-mouse`: false).
    @discardableResult
    public static func run(session: some SessionHandle, refresh: Double = 0.5, theme: Theme = .default,
                           ascii: Bool = false, mouse: Bool = true) throws -> Exit {
        TerminalGuard.install()
        // Once the loop is over, a stop signal (say, while the session shuts down) stops at once.
        defer { TerminalGuard.stopping() }
        TerminalGuard.captureStderr()
        defer { TerminalGuard.releaseStderr() }
        let screen = try CursesScreen(theme: theme, mouse: mouse)
        defer { screen.close() }
        var loop = DashboardLoop(session: session, screen: screen, refresh: refresh,
                                 view: DashboardView(theme: theme, ascii: ascii || !screen.unicode))
        let exit = loop.run()
        session.submit(.stop)
        return exit
    }

    /// The same, on a thread of its own, for callers in async code (curses blocks while it waits
    /// for keys, which must not hold a cooperative thread).
    @discardableResult
    public static func run(session: some SessionHandle, refresh: Double = 0.5, theme: Theme = .default,
                           ascii: Bool = false, mouse: Bool = true) async throws -> Exit {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Exit, any Error>) in
            let thread = Thread {
                continuation.resume(with: Result { try run(session: session, refresh: refresh, theme: theme, ascii: ascii, mouse: mouse) })
            }
            thread.name = "mesh-top dashboard"
            thread.start()
        }
    }
}

/// The loop itself, apart from setup and teardown.
struct DashboardLoop<Session: SessionHandle> {
    let session: Session
    let screen: CursesScreen
    let refresh: Double
    var view: DashboardView
    var state: MeshState
    var status: SessionStatus
    /// The footer's notice and since when it shows: notices go after `noticeSeconds`.
    private var notice: (DashboardView.Notice, Date)?
    /// The engine's last message and operator event already turned into notices.
    private var seenMessage: Int
    private var seenSeq: UInt64

    /// Longest wait for a key: how quickly a stop signal is noticed.
    static var pollMilliseconds: Double { 100 }
    /// How long a footer notice stays before the key hints come back.
    static var noticeSeconds: Double { 4 }

    init(session: Session, screen: CursesScreen, refresh: Double, view: DashboardView) {
        self.session = session; self.screen = screen; self.view = view
        self.refresh = refresh.isFinite && refresh > 0 ? refresh : 0.5
        let snapshot = session.snapshot()
        (state, status) = (snapshot.state, SessionStatus(snapshot))
        seenMessage = status.messageID
        seenSeq = state.seq
    }

    mutating func run() -> Dashboard.Exit {
        var nextRefresh = Date().addingTimeInterval(refresh)
        var dirty = true
        var instantEmptyReads = 0
        while true {
            if let sig = TerminalGuard.pendingSignal { return .signal(sig) }
            if expireNotice() { dirty = true }
            if dirty { draw(); dirty = false }
            let wait = min(DashboardLoop.pollMilliseconds, max(0, nextRefresh.timeIntervalSinceNow * 1000))
            // Take every key already typed before drawing again, so held keys do not lag.
            let timeout = Int32(wait)
            let started = Date()
            var next = screen.read(timeout: timeout)
            // A read that gives up at once instead of waiting is end of file: stop rather than spin.
            if next == nil, timeout >= 20, Date().timeIntervalSince(started) < 0.005 {
                instantEmptyReads += 1
                if instantEmptyReads >= 20 { return .inputClosed }
            } else {
                instantEmptyReads = 0
            }
            while let input = next {
                dirty = true
                guard let key = key(for: input) else { next = screen.read(timeout: 0); continue }
                if key == .resize {
                    screen.updateSize()
                    screen.invalidate()
                } else {
                    let asking = view.confirmation != nil
                    if apply(key) { return .quit }
                    // A question takes only keys pressed once it is on screen: whatever was
                    // typed or pasted ahead of it (an x and a y in pasted text) is dropped.
                    if !asking, view.confirmation != nil {
                        screen.discardTypeahead()
                        break
                    }
                }
                next = screen.read(timeout: 0)
            }
            if nextRefresh.timeIntervalSinceNow <= 0 {
                if !view.frozen { takeSnapshot() }
                nextRefresh = Date().addingTimeInterval(refresh)
                dirty = true
            }
        }
    }

    /// A mouse event becomes a click or a wheel on what the shown frame has there.
    private func key(for input: CursesScreen.Input) -> Key? {
        switch input {
        case .key(let key):
            return key
        case .mouse(let button, let x, let y):
            let frame = DashboardFrame(state: state, status: status, view: view)
            let size = (Int(screen.cols), Int(screen.rows))
            guard let target = hitTest(frame, size: size, x: x, y: y) else { return nil }
            if button == 1 { return .click(target) }
            guard case .pane(let pane) = target else {
                return .wheel(up: button == 4, pane: .topology)
            }
            return .wheel(up: button == 4, pane: pane)
        }
    }

    /// Handles a key; true when it quits.
    private mutating func apply(_ key: Key) -> Bool {
        let (next, commands) = handleKey(key, view: view, state: state, status: status)
        view = next
        for command in commands {
            if command == .stop { return true }
            session.submit(command)
        }
        if !commands.isEmpty && !view.frozen { takeSnapshot() }
        return false
    }

    /// The engine's latest state. A new message from it (a refusal), and operator actions
    /// someone else took (the admin API, `mesh-top ctl`), become the footer's notice.
    private mutating func takeSnapshot() {
        let snapshot = session.snapshot()
        (state, status) = (snapshot.state, SessionStatus(snapshot))
        if let message = status.message, status.messageID != seenMessage {
            view.notice = .init(message, warning: true)
        }
        seenMessage = status.messageID
        for event in state.log.reversed() {
            guard event.seq > seenSeq else { break }
            if case .operatorCommand(let c) = event.body, c.by != OperatorCommand.keyboard {
                let weight = c.action == .weight ? " \(c.weight.map(String.init) ?? "?")" : ""
                view.notice = .init("\(c.action.rawValue) \(c.target)\(weight) by \(c.by)")
                break
            }
        }
        seenSeq = max(seenSeq, state.seq)
    }

    /// Clears a notice that has had its few seconds; true when the footer changes.
    private mutating func expireNotice() -> Bool {
        guard let current = view.notice else { notice = nil; return false }
        if let (shown, since) = notice, shown == current {
            guard Date().timeIntervalSince(since) >= DashboardLoop.noticeSeconds else { return false }
            view.notice = nil
            notice = nil
            return true
        }
        notice = (current, Date())
        return false
    }

    private mutating func draw() {
        var renderer = DashboardRenderer(frame: DashboardFrame(state: state, status: status, view: view),
                                         cols: Int(screen.cols), rows: Int(screen.rows))
        renderer.draw()
        view.topologyScroll = renderer.topologyScroll
        screen.draw(renderer.buffer)
    }
}
