import CMeshGuard
import Foundation
import Synchronization

/// Turns the first SIGINT, SIGTERM or SIGHUP into a call, so a session stops cleanly (recording
/// flushed, children stopped, summary printed) instead of dying mid-write; a second one stops
/// the process at once (`CMeshGuard`'s handler: terminal, children, one line, exit 128 + n).
/// The handler only writes to a pipe; a thread of its own waits on it, so the call comes
/// however busy every other thread is.
final class SignalWatch: Sendable {
    private let cancelled = Atomic<Bool>(false)

    init(_ handler: @escaping @Sendable () -> Void) {
        let fd = mesh_guard_arm_stop()
        let thread = Thread { [self] in
            var poller = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            while !self.cancelled.load(ordering: .relaxed) {
                // A bounded wait, so that `cancel` ends the thread too.
                _ = poll(&poller, 1, 200)
                if mesh_guard_stop_signal() != 0 {
                    if !self.cancelled.load(ordering: .relaxed) { handler() }
                    return
                }
            }
        }
        thread.name = "mesh-top signals"
        thread.start()
    }

    /// The session is over: no call any more, and a signal from now on stops at once.
    func cancel() {
        cancelled.store(true, ordering: .relaxed)
        mesh_guard_stopping()
    }
}
