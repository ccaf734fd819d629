import CNcursesw
import Glibc
import Synchronization

/// Makes sure the terminal is given back: SIGINT/SIGTERM/SIGHUP only raise a flag that the
/// dashboard loop sees within ~100 ms (it then ends curses normally); a crash signal ends curses
/// from the handler, puts stderr back so the crash message is readable, and dies as it would have.
enum TerminalGuard {
    private static let stopSignal = Atomic<Int32>(0)
    private static let active = Atomic<Bool>(false)
    /// The real stderr while it is captured (-1 when not), and the capture file.
    private static let savedStderr = Atomic<Int32>(-1)
    private static let captureFD = Atomic<Int32>(-1)

    static let stopSignals: [Int32] = [SIGINT, SIGTERM, SIGHUP]
    static let crashSignals: [Int32] = [SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT, SIGTRAP]

    /// Signal that asked the dashboard to stop, if any.
    static var pendingSignal: Int32? {
        let s = stopSignal.load(ordering: .relaxed)
        return s == 0 ? nil : s
    }

    static func cursesActive(_ on: Bool) { active.store(on, ordering: .relaxed) }

    /// Handlers that were there before, to put back afterwards.
    struct Installed {
        fileprivate var previous: [(Int32, sigaction)]
    }

    static func install() -> Installed {
        stopSignal.store(0, ordering: .relaxed)
        var previous: [(Int32, sigaction)] = []
        for (signals, handler) in [(stopSignals, onStop), (crashSignals, onCrash)] as [([Int32], @convention(c) (Int32) -> Void)] {
            for sig in signals {
                var action = sigaction()
                action.__sigaction_handler.sa_handler = handler
                sigemptyset(&action.sa_mask)
                action.sa_flags = 0
                var old = sigaction()
                sigaction(sig, &action, &old)
                previous.append((sig, old))
            }
        }
        return Installed(previous: previous)
    }

    static func uninstall(_ installed: Installed) {
        stopSignal.store(0, ordering: .relaxed)
        for (sig, old) in installed.previous {
            var old = old
            sigaction(sig, &old, nil)
        }
    }

    private static let onStop: @convention(c) (Int32) -> Void = { sig in
        TerminalGuard.stopSignal.store(sig, ordering: .relaxed)
    }

    private static let onCrash: @convention(c) (Int32) -> Void = { sig in
        if TerminalGuard.active.exchange(false, ordering: .relaxed) { endwin() }
        TerminalGuard.releaseStderr()
        signal(sig, SIG_DFL)
        raise(sig)
    }

    // MARK: stderr

    /// Sends stderr to a temporary file while curses owns the terminal, so stray log lines cannot
    /// scribble over the dashboard; `releaseStderr` writes them out afterwards.
    static func captureStderr() {
        guard savedStderr.load(ordering: .relaxed) < 0 else { return }
        var template = Array("/tmp/mesh-top-stderr-XXXXXX".utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard fd >= 0 else { return }
        template.withUnsafeBufferPointer { _ = unlink($0.baseAddress!) }
        let saved = dup(STDERR_FILENO)
        guard saved >= 0 else { Glibc.close(fd); return }
        dup2(fd, STDERR_FILENO)
        captureFD.store(fd, ordering: .relaxed)
        savedStderr.store(saved, ordering: .relaxed)
    }

    /// Puts stderr back and replays what was captured. Only async-signal-safe calls: it also runs
    /// from the crash handler.
    static func releaseStderr() {
        let saved = savedStderr.exchange(-1, ordering: .relaxed)
        guard saved >= 0 else { return }
        dup2(saved, STDERR_FILENO)
        Glibc.close(saved)
        let fd = captureFD.exchange(-1, ordering: .relaxed)
        guard fd >= 0 else { return }
        lseek(fd, 0, SEEK_SET)
        var chunk = (UInt64(0), UInt64(0), UInt64(0), UInt64(0), UInt64(0), UInt64(0), UInt64(0), UInt64(0))
        withUnsafeMutableBytes(of: &chunk) { buffer in
            while true {
                let n = read(fd, buffer.baseAddress, buffer.count)
                if n <= 0 { break }
                _ = write(STDERR_FILENO, buffer.baseAddress, n)
            }
        }
        Glibc.close(fd)
    }
}
