public import Foundation
public import MeshCore

/// Starts, kills (SIGKILL, for real) and restarts the processes of supervised endpoints
/// (`command:` in mesh.yaml). Each runs in a process group of its own, so a kill reaches the
/// children a shell command may have started too. Output goes to a log file per endpoint,
/// never the terminal.
public final class Supervisor: @unchecked Sendable {
    /// Where each endpoint's output goes: `<logDirectory>/<service>.<endpoint>.log`.
    public let logDirectory: URL
    /// An endpoint's process ended on its own (not by `kill`): (endpoint, exit status).
    public var onExit: (@Sendable (EndpointRef, Int32) -> Void)?

    private let lock = NSLock()
    private var commands: [EndpointRef: String] = [:]
    private var running: [EndpointRef: pid_t] = [:]

    public init(logDirectory: URL) {
        self.logDirectory = logDirectory
    }

    /// Remembers how to start an endpoint and starts it.
    public func supervise(_ ref: EndpointRef, command: String) throws {
        lock.withLock { commands[ref] = command }
        try start(ref)
    }

    public func isRunning(_ ref: EndpointRef) -> Bool { pid(ref) != nil }

    public func pid(_ ref: EndpointRef) -> Int32? { lock.withLock { running[ref] } }

    public func logFile(_ ref: EndpointRef) -> URL {
        logDirectory.appendingPathComponent("\(ref.service).\(ref.endpoint).log")
    }

    /// Starts the endpoint's process unless it runs already.
    public func start(_ ref: EndpointRef) throws {
        guard let command = lock.withLock({ commands[ref] }), !isRunning(ref) else { return }
        try FileManager.default.createDirectory(at: logDirectory, withIntermediateDirectories: true)
        let log = open(logFile(ref).path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
        guard log >= 0 else { throw SupervisorError("\(ref): cannot open \(logFile(ref).path): \(String(cString: strerror(errno)))") }
        defer { close(log) }

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_adddup2(&actions, log, 1)
        posix_spawn_file_actions_adddup2(&actions, log, 2)
        // Nothing else of ours: SwiftNIO opens sockets without close-on-exec, and a child holding
        // a copy of a proxy connection keeps it open after the proxy closes it (no FIN is sent).
        closeFrom3(&actions)
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        // A group of its own (pgid = pid): `kill` signals the whole group.
        // Its own signal state too: not the blocked mask of the thread spawning it, and not the
        // SIG_IGN that a headless run puts on SIGINT/SIGTERM.
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        posix_spawnattr_setpgroup(&attributes, 0)
        var none = sigset_t(), defaults = sigset_t()
        sigemptyset(&none)
        sigemptyset(&defaults)
        for sig in [SIGINT, SIGTERM, SIGHUP, SIGPIPE, SIGQUIT] { sigaddset(&defaults, sig) }
        posix_spawnattr_setsigmask(&attributes, &none)
        posix_spawnattr_setsigdefault(&attributes, &defaults)

        var pid: pid_t = 0
        let argv: [UnsafeMutablePointer<CChar>?] = [strdup("/bin/sh"), strdup("-c"), strdup("exec \(command)"), nil]
        defer { for p in argv { free(p) } }
        let status = posix_spawn(&pid, "/bin/sh", &actions, &attributes, argv, environ)
        guard status == 0 else {
            throw SupervisorError("\(ref): cannot start '\(command)': \(String(cString: strerror(status)))")
        }
        lock.withLock { running[ref] = pid }
        watch(ref, pid: pid)
    }

    /// Reaps the process when it ends; reports it unless `kill` ended it.
    private func watch(_ ref: EndpointRef, pid: pid_t) {
        let thread = Thread { [weak self] in
            var status: Int32 = 0
            while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
            guard let self else { return }
            let ownExit = self.lock.withLock { () -> Bool in
                guard self.running[ref] == pid else { return false }
                self.running[ref] = nil
                return true
            }
            // Exit status, or 128 + signal as shells report it.
            let code = (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
            if ownExit { self.onExit?(ref, code) }
        }
        thread.start()
    }

    /// SIGKILL to the endpoint's process group.
    public func kill(_ ref: EndpointRef) {
        guard let pid = lock.withLock({ running.removeValue(forKey: ref) }) else { return }
        Foundation.kill(-pid, SIGKILL)
    }

    /// Kills every process (on exit).
    public func stopAll() {
        for ref in lock.withLock({ Array(running.keys) }) { kill(ref) }
    }
}

/// A supervised process that could not be started: one line.
public struct SupervisorError: Error, CustomStringConvertible, Sendable {
    public var description: String
    public init(_ message: String) { description = message }
}

/// `posix_spawn_file_actions_addclosefrom_np(actions, 3)` (glibc 2.34+), looked up at run time:
/// the Glibc module does not export it.
private func closeFrom3(_ actions: inout posix_spawn_file_actions_t) {
    typealias AddCloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32
    guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "posix_spawn_file_actions_addclosefrom_np") else { return }
    _ = unsafeBitCast(symbol, to: AddCloseFrom.self)(&actions, 3)
}
