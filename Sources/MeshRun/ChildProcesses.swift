import CMeshGuard
import Foundation

/// One thread that starts and reaps the supervised processes, however many there are.
///
/// Starting them all from this thread matters: PR_SET_PDEATHSIG kills a child when the *thread*
/// that forked it ends, so it must be one that lives exactly as long as the supervisor. Each
/// child gets a pidfd on one epoll set, so thousands cost one thread and no polling, and only
/// our own children are ever waited for (a `waitpid(-1)` would take other code's).
final class ChildProcesses: @unchecked Sendable {
    /// A process ended: its pid and its wait status.
    var onExit: (@Sendable (pid_t, Int32) -> Void)?

    private struct Request {
        var argv: [String]
        var logFD: Int32
        var started: (pid_t) -> Void
        var reply: (Result<pid_t, SupervisorError>) -> Void
    }

    private let lock = NSLock()
    private var requests: [Request] = []
    private var stopping = false
    private let epoll: Int32
    /// Wakes the thread for requests and for `stop`.
    private let wake: Int32
    /// Touched by the thread only: pidfd → pid, and pids without a pidfd (old kernels).
    private var watched: [Int32: pid_t] = [:]
    private var polled: Set<pid_t> = []

    init() {
        epoll = epoll_create1(Int32(EPOLL_CLOEXEC))
        wake = eventfd(0, Int32(EFD_CLOEXEC | EFD_NONBLOCK))
        add(wake)
        let thread = Thread { [self] in run() }
        thread.name = "mesh-top supervisor"
        thread.start()
    }

    /// Starts `argv` (argv[0] a path) with stdin from /dev/null and output to `logFD`; waits
    /// for the thread to have done it. `started` runs on that thread before the process can be
    /// reaped, so whoever keeps its pid knows it before `onExit` can name it.
    func spawn(_ argv: [String], logFD: Int32, started: @escaping (pid_t) -> Void) throws(SupervisorError) -> pid_t {
        let done = DispatchSemaphore(value: 0)
        nonisolated(unsafe) var result: Result<pid_t, SupervisorError> = .failure(SupervisorError("the supervisor has stopped"))
        let accepted = lock.withLock { () -> Bool in
            guard !stopping else { return false }
            requests.append(Request(argv: argv, logFD: logFD, started: started) { result = $0; done.signal() })
            return true
        }
        guard accepted else { throw SupervisorError("the supervisor has stopped") }
        signalThread()
        done.wait()
        return try result.get()
    }

    /// Ends the thread (children it started that still run get SIGKILL from the kernel).
    func stop() {
        lock.withLock { stopping = true }
        signalThread()
    }

    // MARK: The thread

    private func run() {
        var events = [epoll_event](repeating: epoll_event(), count: 64)
        while true {
            // Children without a pidfd are looked at every 100 ms instead.
            let n = epoll_wait(epoll, &events, Int32(events.count), polled.isEmpty ? -1 : 100)
            if n < 0 && errno != EINTR { break }
            for event in events.prefix(max(0, Int(n))) where event.data.fd != wake {
                if let pid = watched[event.data.fd] { reap(pid, pidfd: event.data.fd) }
            }
            for pid in polled { reap(pid, pidfd: nil) }
            var counter: UInt64 = 0
            _ = read(wake, &counter, 8)
            let (pending, stop) = lock.withLock { () -> ([Request], Bool) in
                defer { requests.removeAll() }
                return (requests, stopping)
            }
            for request in pending { request.reply(start(request)) }
            if stop { break }
        }
        for fd in watched.keys { close(fd) }
        close(wake)
        close(epoll)
    }

    private func start(_ request: Request) -> Result<pid_t, SupervisorError> {
        let argv: [UnsafeMutablePointer<CChar>?] = request.argv.map { strdup($0) } + [nil]
        defer { for p in argv { free(p) } }
        let devNull = open("/dev/null", O_RDONLY | O_CLOEXEC)
        defer { if devNull >= 0 { close(devNull) } }
        var error: Int32 = 0
        let pid = mesh_guard_spawn(request.argv[0], argv, environ, max(devNull, 0), request.logFD, &error)
        guard pid > 0 else {
            return .failure(SupervisorError("cannot start '\(request.argv.last ?? "")': \(String(cString: strerror(error)))"))
        }
        mesh_guard_track(pid)
        request.started(pid)
        let pidfd = mesh_guard_pidfd_open(pid)
        if pidfd >= 0 {
            watched[pidfd] = pid
            add(pidfd)
        } else {
            polled.insert(pid)
        }
        return .success(pid)
    }

    /// Waits for `pid` if it has ended (never blocks) and reports it.
    private func reap(_ pid: pid_t, pidfd: Int32?) {
        var status: Int32 = 0
        let r = waitpid(pid, &status, WNOHANG)
        guard r == pid || (r < 0 && errno == ECHILD) else { return }
        if let pidfd {
            epoll_ctl(epoll, EPOLL_CTL_DEL, pidfd, nil)
            close(pidfd)
            watched[pidfd] = nil
        }
        polled.remove(pid)
        mesh_guard_untrack(pid)
        if r == pid { onExit?(pid, status) }
    }

    private func add(_ fd: Int32) {
        var event = epoll_event()
        event.events = EPOLLIN.rawValue
        event.data.fd = fd
        epoll_ctl(epoll, EPOLL_CTL_ADD, fd, &event)
    }

    private func signalThread() {
        var one: UInt64 = 1
        _ = write(wake, &one, 8)
    }
}
