import Foundation

/// A real tmux server of the test's own (its own socket), driving the real binary in a pane.
struct Tmux {
    let socket: String
    let session = "mesh"
    /// The server's pid, to make sure it is gone after `kill`.
    private(set) var serverPID: pid_t = 0

    /// Whether a tool is on the PATH. Missing locally: the test is skipped with a printed reason.
    /// Under CI (`CI=true`) a missing tool is not a reason to skip: the test runs and fails.
    static func usable(_ tool: String) -> Bool {
        if which(tool) != nil { return true }
        if ProcessInfo.processInfo.environment["CI"] == "true" { return true }
        print("skipping: \(tool) is not installed (apt-get install -y \(tool)); under CI=true this fails")
        return false
    }

    static func which(_ tool: String) -> String? {
        for dir in (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":") {
            let path = "\(dir)/\(tool)"
            if FileManager.default.isExecutableFile(atPath: path) { return path }
        }
        return nil
    }

    /// Starts a detached session running a plain shell with a known prompt.
    init(columns: Int, rows: Int, directory: URL) throws {
        guard Tmux.which("tmux") != nil else { throw TmuxError("tmux is not installed") }
        socket = "mesh-top-test-\(getpid())-\(UUID().uuidString.prefix(8))"
        // The server this starts lives on: it must not inherit a pipe we wait to see closed.
        try run(capture: false, ["new-session", "-d", "-s", session, "-x", "\(columns)", "-y", "\(rows)", "-c", directory.path,
                 "env PS1='mesh$ ' TERM=xterm-256color LANG=C.UTF-8 sh"])
        serverPID = pid_t(try run(["display-message", "-p", "#{pid}"]).trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0
    }

    /// Runs one tmux client command and waits for exactly that process (posix_spawn + waitpid:
    /// Foundation's Process can wait forever on a client whose server daemonised from it).
    @discardableResult
    func run(capture: Bool = true, _ arguments: [String]) throws -> String {
        let tmux = Tmux.which("tmux") ?? "/usr/bin/tmux"
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("tmux-\(UUID().uuidString)").path
        defer { unlink(output) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        let target = capture ? output : "/dev/null"
        posix_spawn_file_actions_addopen(&actions, 1, target, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        // The tmux server forks from this client and outlives the test: it must not inherit the
        // test process's sockets (NIO's have no close-on-exec), or their closes send no FIN.
        Tmux.closeFrom3(&actions)
        // Nor the spawning thread's blocked signals (test threads block most): a server that
        // inherits them never sees SIGCHLD or SIGTERM, and kill-server leaves it running.
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var none = sigset_t(), defaults = sigset_t()
        sigemptyset(&none)
        sigemptyset(&defaults)
        for sig in [SIGINT, SIGTERM, SIGHUP, SIGPIPE, SIGQUIT, SIGCHLD] { sigaddset(&defaults, sig) }
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        posix_spawnattr_setsigmask(&attributes, &none)
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        let argv: [UnsafeMutablePointer<CChar>?] = ([tmux, "-L", socket] + arguments).map { strdup($0) } + [nil]
        defer { for p in argv { free(p) } }
        var pid: pid_t = 0
        let status = posix_spawn(&pid, tmux, &actions, &attributes, argv, environ)
        guard status == 0 else { throw TmuxError("cannot run tmux: \(String(cString: strerror(status)))") }
        var exit: Int32 = 0
        while waitpid(pid, &exit, 0) == -1 && errno == EINTR {}
        return capture ? ((try? String(contentsOfFile: output, encoding: .utf8)) ?? "") : ""
    }

    /// Types text, then Enter when asked.
    func type(_ text: String, enter: Bool = false) throws {
        try run(["send-keys", "-t", session, "-l", text])
        if enter { try run(["send-keys", "-t", session, "Enter"]) }
    }

    func key(_ name: String) throws { try run(["send-keys", "-t", session, name]) }

    func screen() throws -> String { try run(["capture-pane", "-t", session, "-p"]) }

    /// The screen with its SGR escape sequences (colours and attributes) as the terminal got them.
    func screenWithEscapes() throws -> String { try run(["capture-pane", "-t", session, "-p", "-e"]) }

    func resize(columns: Int, rows: Int) throws {
        try run(["resize-window", "-t", session, "-x", "\(columns)", "-y", "\(rows)"])
    }

    /// Waits up to `timeout` seconds until the screen satisfies `condition`; returns the last screen.
    @discardableResult
    func waitFor(_ timeout: Double = 10, _ condition: (String) -> Bool) throws -> (ok: Bool, screen: String) {
        let deadline = Date().addingTimeInterval(timeout)
        var last = ""
        while Date() < deadline {
            last = try screen()
            if condition(last) { return (true, last) }
            usleep(100_000)
        }
        return (false, last)
    }

    /// Ends the server, its panes and what runs in them; whatever is left after a generous wait
    /// gets SIGKILL, so no test leaves a server behind.
    func kill() {
        _ = try? run(capture: false, ["kill-server"])
        guard serverPID > 0 else { return }
        let deadline = Date().addingTimeInterval(10)
        while Foundation.kill(serverPID, 0) == 0, Date() < deadline { usleep(20_000) }
        if Foundation.kill(serverPID, 0) == 0 { Foundation.kill(serverPID, SIGKILL) }
        unlink("\(ProcessInfo.processInfo.environment["TMUX_TMPDIR"] ?? "/tmp")/tmux-\(getuid())/\(socket)")
    }
}

struct TmuxError: Error, CustomStringConvertible {
    var description: String
    init(_ d: String) { description = d }
}

extension Tmux {
    /// `posix_spawn_file_actions_addclosefrom_np(actions, 3)` (glibc 2.34+), looked up at run
    /// time: the Glibc module does not export it.
    static func closeFrom3(_ actions: inout posix_spawn_file_actions_t) {
        typealias AddCloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "posix_spawn_file_actions_addclosefrom_np") else { return }
        _ = unsafeBitCast(symbol, to: AddCloseFrom.self)(&actions, 3)
    }
}
