import CMeshGuard
import Foundation
import NIOConcurrencyHelpers

/// One thread that starts and reaps the supervised processes, however many there are.
///
/// Starting them all from this thread matters: PR_SET_PDEATHSIG kills a child when the *thread*
/// that forked it ends, so it must be one that lives exactly as long as the supervisor. Each
/// child gets a pidfd on one epoll set, so thousands cost one thread and no polling, and only
/// our own children are ever waited for (a `waitpid(-1)` would take other code's).
final class ChildProcesses: Sendable {
    private struct Request: Sendable {
        var argv: [String]
        var logFD: Int32
        var started: @Sendable (pid_t) -> Void
        var reply: @Sendable (Result<pid_t, SupervisorError>) -> Void
    }

    private struct Shared {
        var requests: [Request] = []
        var stopping = false
        var onExit: (@Sendable (pid_t, Int32) -> Void)?
    }

    private let shared = NIOLockedValueBox(Shared())
    private let epoll: Int32
    /// Wakes the thread for requests and for `stop`.
    private let wake: Int32

    /// A process ended: its pid and its wait status.
    var onExit: (@Sendable (pid_t, Int32) -> Void)? {
        get { shared.withLockedValue { $0.onExit } }
        set { shared.withLockedValue { $0.onExit = newValue } }
    }

    init() {
        epoll = epoll_create1(Int32(EPOLL_CLOEXEC))
        wake = eventfd(0, Int32(EFD_CLOEXEC | EFD_NONBLOCK))
        Reaper.add(wake, to: epoll)
        let thread = Thread { [self] in
            var reaper = Reaper(epoll: epoll, wake: wake)
            reaper.run(self)
        }
        thread.name = "mesh-top supervisor"
        thread.start()
    }

    /// Starts `argv` (argv[0] a path) with stdin from /dev/null and output to `logFD`; waits
    /// for the thread to have done it. `started` runs on that thread before the process can be
    /// reaped, so whoever keeps its pid knows it before `onExit` can name it.
    func spawn(_ argv: [String], logFD: Int32, started: @escaping @Sendable (pid_t) -> Void) throws(SupervisorError) -> pid_t {
        let done = DispatchSemaphore(value: 0)
        let result = NIOLockedValueBox(Result<pid_t, SupervisorError>.failure(SupervisorError("the supervisor has stopped")))
        let request = Request(argv: argv, logFD: logFD, started: started) { answer in
            result.withLockedValue { $0 = answer }
            done.signal()
        }
        let accepted = shared.withLockedValue { s -> Bool in
            guard !s.stopping else { return false }
            s.requests.append(request)
            return true
        }
        guard accepted else { throw SupervisorError("the supervisor has stopped") }
        signalThread()
        done.wait()
        return try result.withLockedValue { $0 }.get()
    }

    /// Ends the thread (children it started that still run get SIGKILL from the kernel).
    func stop() {
        shared.withLockedValue { $0.stopping = true }
        signalThread()
    }

    /// The requests since the last call, and whether to stop.
    private func takeRequests() -> ([Request], Bool) {
        shared.withLockedValue { s in
            defer { s.requests.removeAll() }
            return (s.requests, s.stopping)
        }
    }

    private func signalThread() {
        var one: UInt64 = 1
        _ = write(wake, &one, 8)
    }

    // MARK: The thread

    /// The thread's own state: the pidfds it watches. Nothing else touches it.
    private struct Reaper {
        let epoll: Int32
        let wake: Int32
        /// pidfd → pid, and pids without a pidfd (old kernels).
        var watched: [Int32: pid_t] = [:]
        var polled: Set<pid_t> = []

        mutating func run(_ owner: ChildProcesses) {
            var events = [epoll_event](repeating: epoll_event(), count: 64)
            while true {
                // Children without a pidfd are looked at every 100 ms instead.
                let n = epoll_wait(epoll, &events, Int32(events.count), polled.isEmpty ? -1 : 100)
                if n < 0 && errno != EINTR { break }
                for event in events.prefix(max(0, Int(n))) where event.data.fd != wake {
                    if let pid = watched[event.data.fd] { reap(pid, pidfd: event.data.fd, owner) }
                }
                for pid in polled { reap(pid, pidfd: nil, owner) }
                var counter: UInt64 = 0
                _ = read(wake, &counter, 8)
                let (pending, stop) = owner.takeRequests()
                for request in pending { request.reply(start(request)) }
                if stop { break }
            }
            for fd in watched.keys { close(fd) }
            close(wake)
            close(epoll)
        }

        private mutating func start(_ request: Request) -> Result<pid_t, SupervisorError> {
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
                Self.add(pidfd, to: epoll)
            } else {
                polled.insert(pid)
            }
            return .success(pid)
        }

        /// Waits for `pid` if it has ended (never blocks) and reports it.
        private mutating func reap(_ pid: pid_t, pidfd: Int32?, _ owner: ChildProcesses) {
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
            if r == pid { owner.onExit?(pid, status) }
        }

        static func add(_ fd: Int32, to epoll: Int32) {
            var event = epoll_event()
            event.events = EPOLLIN.rawValue
            event.data.fd = fd
            epoll_ctl(epoll, EPOLL_CTL_ADD, fd, &event)
        }
    }
}
