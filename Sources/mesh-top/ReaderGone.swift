#if canImport(Glibc)
import Glibc
#endif

/// Standard output's reader went away (`mesh-top demo --headless | head -1`): the session has
/// stopped as on SIGTERM, its recording and supervised processes closed; mesh-top then leaves
/// as a filter does, silently, by the default action of SIGPIPE (status 141 in a shell), as
/// `yes | head -1` and `git log | head -1` do (git's `check_pipe` in write-or-die.c restores
/// SIGPIPE and raises it), so that `set -o pipefail` scripts see what they see of any filter.
/// SIGPIPE is ignored while mesh-top runs (a proxy's peer that goes away is an error to handle).
struct ReaderGone: Error {
    /// Does not return.
    static func leave() -> Never {
        signal(SIGPIPE, SIG_DFL)
        raise(SIGPIPE)
        exit(128 + SIGPIPE)
    }
}
