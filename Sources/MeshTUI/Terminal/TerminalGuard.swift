import CMeshGuard
import CNcursesw
import Glibc

/// Makes sure the terminal is given back, whatever ends the dashboard. SIGINT, SIGTERM and SIGHUP
/// only raise a flag that the dashboard loop sees within ~100 ms (it then ends curses normally);
/// a second one, or a crash signal, restores the terminal from the handler itself (the modes
/// saved before curses started and terminfo's way out of its screen, kept in `CMeshGuard`).
enum TerminalGuard {
    /// Signal that asked the dashboard to stop, if any.
    static var pendingSignal: Int32? {
        let s = mesh_guard_stop_signal()
        return s == 0 ? nil : s
    }

    /// Arms the stop signals for a dashboard session (earlier ones are forgotten).
    static func install() { _ = mesh_guard_arm_stop() }

    /// Default stop signals again (tests; a session keeps them armed until the process ends).
    static func uninstall() { mesh_guard_disarm_stop() }

    /// The session is ending: a stop signal from now on stops the process at once.
    static func stopping() { mesh_guard_stopping() }

    /// Remembers how to give `fd` back before curses takes it: its modes now, and the bytes that
    /// leave curses' screen once it has started (`leaveSequence`).
    static func hold(_ fd: Int32, modes: termios, leave: [UInt8]) {
        var modes = modes
        leave.withUnsafeBufferPointer { bytes in
            bytes.withMemoryRebound(to: CChar.self) { mesh_guard_hold_terminal(fd, &modes, $0.baseAddress, $0.count) }
        }
    }

    /// Curses has given the terminal back itself.
    static func release() { mesh_guard_release_terminal() }

    /// terminfo's rmcup (leave the alternate screen), cnorm (cursor back), sgr0 (plain text) and
    /// rmkx (keypad back), with padding (`$<5>`) left out: what `endwin` would send.
    static func leaveSequence() -> [UInt8] {
        var out: [UInt8] = []
        for cap in ["rmcup", "cnorm", "sgr0", "rmkx"] {
            guard let raw = tigetstr(cap), Int(bitPattern: raw) != -1 else { continue }
            var bytes = Array(String(cString: raw).utf8)
            while let start = bytes.firstRange(of: Array("$<".utf8)), let end = bytes[start.upperBound...].firstIndex(of: UInt8(ascii: ">")) {
                bytes.removeSubrange(start.lowerBound...end)
            }
            out += bytes
        }
        return out
    }

    /// Sends stderr to a temporary file while curses owns the terminal, so stray log lines cannot
    /// scribble over the dashboard; `releaseStderr` writes them out afterwards (so does a crash).
    static func captureStderr() { mesh_guard_capture_stderr() }

    static func releaseStderr() { mesh_guard_release_stderr() }
}
