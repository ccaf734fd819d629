#ifndef MESH_TOP_CMESHGUARD_H
#define MESH_TOP_CMESHGUARD_H

// What must happen however mesh-top ends: the terminal given back, supervised processes gone,
// one line saying why. Signal handlers can only make async-signal-safe calls (signal-safety(7)),
// so the state they use is set up here beforehand, in C.

#include <stddef.h>
#include <sys/types.h>
#include <termios.h>
// For the thread that reaps supervised processes (the Glibc module leaves these out).
#include <sys/epoll.h>
#include <sys/eventfd.h>

// MARK: Fatal signals (SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGTRAP, SIGABRT)

/// Installs the crash handlers. `chain` non-zero: after restoring the terminal and stopping
/// children, hand the signal to the handler that was there before (Swift's backtracer, which
/// SWIFT_BACKTRACE configures); zero: say one line and die of the signal.
void mesh_guard_install_fatal(int chain);

// MARK: Stop signals (SIGINT, SIGTERM, SIGHUP)

/// Arms the stop handlers for a session and forgets earlier signals. The first signal is
/// recorded and wakes the returned descriptor (a pipe's read end, the same every time); any
/// later one, or any one after `mesh_guard_stopping`, ends the process at once: terminal,
/// children, one line, exit 128 + signal (HAProxy's hard stop after a soft one).
int mesh_guard_arm_stop(void);
/// Back to the default dispositions (for tests that arm and leave).
void mesh_guard_disarm_stop(void);
/// The first stop signal received since arming, 0 if none.
int mesh_guard_stop_signal(void);
/// The session is ending: from now on a stop signal stops at once.
void mesh_guard_stopping(void);

// MARK: Terminal

/// While curses owns `fd`: the modes to put back and the bytes that leave curses' screen
/// (rmcup, cnorm, sgr0, rmkx from terminfo).
void mesh_guard_hold_terminal(int fd, const struct termios *saved, const char *reset, size_t length);
/// Curses gave the terminal back itself.
void mesh_guard_release_terminal(void);
/// Puts the terminal back if it is held (async-signal-safe).
void mesh_guard_restore_terminal(void);

/// Sends stderr to an unlinked temporary file (so stray lines cannot scribble over the
/// dashboard) until `mesh_guard_release_stderr`, which puts it back and writes the lines out.
void mesh_guard_capture_stderr(void);
void mesh_guard_release_stderr(void);

// MARK: Supervised processes

/// Starts `path` with `argv` and `envp` in a process group of its own, stdin from `in_fd`,
/// stdout and stderr to `out_fd`, no other descriptor, default signal dispositions and an empty
/// mask, and PR_SET_PDEATHSIG = SIGKILL: it dies with the thread that started it, even if
/// mesh-top is killed. Returns the pid, or -1 with `*error` set.
pid_t mesh_guard_spawn(const char *path, char *const argv[], char *const envp[], int in_fd, int out_fd, int *error);
/// A process group to SIGKILL when mesh-top dies or is hard-stopped.
void mesh_guard_track(pid_t group);
void mesh_guard_untrack(pid_t group);
/// SIGKILL to every tracked group (async-signal-safe).
void mesh_guard_kill_tracked(void);

/// Raises the soft limit on open descriptors to the hard one (thousands of supervised processes
/// each hold a pidfd), as Go's runtime does; children get the limit mesh-top started with.
void mesh_guard_raise_nofile(void);

/// pidfd_open(2): a descriptor that becomes readable when `pid` exits; -1 where unsupported.
int mesh_guard_pidfd_open(pid_t pid);

#endif
