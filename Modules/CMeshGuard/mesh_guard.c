#define _GNU_SOURCE
#include "CMeshGuard.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <pthread.h>
#include <unistd.h>

// MARK: Writing from a handler

static void say(const char *text) {
    size_t length = strlen(text);
    while (length > 0) {
        ssize_t n = write(STDERR_FILENO, text, length);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return;
        text += n;
        length -= (size_t)n;
    }
}

static const char *signal_name(int sig) {
    switch (sig) {
    case SIGSEGV: return "SIGSEGV (invalid memory access)";
    case SIGBUS: return "SIGBUS (bad memory access)";
    case SIGILL: return "SIGILL (a Swift runtime trap)";
    case SIGTRAP: return "SIGTRAP (a Swift runtime trap)";
    case SIGFPE: return "SIGFPE (arithmetic fault)";
    case SIGABRT: return "SIGABRT (aborted)";
    case SIGINT: return "SIGINT";
    case SIGTERM: return "SIGTERM";
    case SIGHUP: return "SIGHUP";
    default: return "a signal";
    }
}

// MARK: Terminal

static _Atomic int terminal_fd = -1;
static struct termios terminal_modes;
static char terminal_reset[512];
static size_t terminal_reset_length;

void mesh_guard_hold_terminal(int fd, const struct termios *saved, const char *reset, size_t length) {
    atomic_store(&terminal_fd, -1);
    terminal_modes = *saved;
    if (length > sizeof terminal_reset) length = sizeof terminal_reset;
    memcpy(terminal_reset, reset, length);
    terminal_reset_length = length;
    atomic_store(&terminal_fd, fd);
}

void mesh_guard_release_terminal(void) { atomic_store(&terminal_fd, -1); }

void mesh_guard_restore_terminal(void) {
    int fd = atomic_exchange(&terminal_fd, -1);
    if (fd < 0) return;
    ssize_t ignored = write(fd, terminal_reset, terminal_reset_length);
    (void)ignored;
    tcsetattr(fd, TCSANOW, &terminal_modes);
}

static _Atomic int saved_stderr = -1;
static _Atomic int captured_stderr = -1;

void mesh_guard_capture_stderr(void) {
    if (atomic_load(&saved_stderr) >= 0) return;
    const char *dir = getenv("TMPDIR");
    char path[512];
    size_t n = (size_t)snprintf(path, sizeof path, "%s/mesh-top-stderr-XXXXXX", dir && *dir ? dir : "/tmp");
    if (n >= sizeof path) return;
    int fd = mkostemp(path, O_CLOEXEC);
    if (fd < 0) return;
    unlink(path);
    int saved = fcntl(STDERR_FILENO, F_DUPFD_CLOEXEC, 3);
    if (saved < 0) { close(fd); return; }
    dup2(fd, STDERR_FILENO);
    atomic_store(&captured_stderr, fd);
    atomic_store(&saved_stderr, saved);
}

void mesh_guard_release_stderr(void) {
    int saved = atomic_exchange(&saved_stderr, -1);
    if (saved < 0) return;
    dup2(saved, STDERR_FILENO);
    close(saved);
    int fd = atomic_exchange(&captured_stderr, -1);
    if (fd < 0) return;
    lseek(fd, 0, SEEK_SET);
    char chunk[512];
    ssize_t n;
    while ((n = read(fd, chunk, sizeof chunk)) > 0) {
        ssize_t ignored = write(STDERR_FILENO, chunk, (size_t)n);
        (void)ignored;
    }
    close(fd);
}

// MARK: Supervised process groups

#define MESH_GUARD_GROUPS 65536
static _Atomic pid_t groups[MESH_GUARD_GROUPS];

void mesh_guard_track(pid_t group) {
    for (size_t i = 0; i < MESH_GUARD_GROUPS; i++) {
        pid_t empty = 0;
        if (atomic_compare_exchange_strong(&groups[i], &empty, group)) return;
    }
}

void mesh_guard_untrack(pid_t group) {
    for (size_t i = 0; i < MESH_GUARD_GROUPS; i++) {
        pid_t expected = group;
        if (atomic_compare_exchange_strong(&groups[i], &expected, 0)) return;
    }
}

void mesh_guard_kill_tracked(void) {
    for (size_t i = 0; i < MESH_GUARD_GROUPS; i++) {
        pid_t group = atomic_load(&groups[i]);
        if (group > 0) kill(-group, SIGKILL);
    }
}

static struct rlimit original_nofile;
static int nofile_raised;

void mesh_guard_raise_nofile(void) {
    struct rlimit limit;
    if (getrlimit(RLIMIT_NOFILE, &limit) != 0 || limit.rlim_cur >= limit.rlim_max) return;
    original_nofile = limit;
    limit.rlim_cur = limit.rlim_max;
    if (setrlimit(RLIMIT_NOFILE, &limit) == 0) nofile_raised = 1;
}

int mesh_guard_pidfd_open(pid_t pid) {
#ifdef SYS_pidfd_open
    return (int)syscall(SYS_pidfd_open, pid, 0);
#else
    errno = ENOSYS;
    return -1;
#endif
}

pid_t mesh_guard_spawn(const char *path, char *const argv[], char *const envp[], int in_fd, int out_fd, int *error) {
    // Everything the child needs is computed before vfork: it shares our memory until exec and
    // may only make system calls.
    long max_fd = sysconf(_SC_OPEN_MAX);
    if (max_fd < 0 || max_fd > 65536) max_fd = 65536;
    pid_t parent = getpid();
    volatile int child_error = 0;
    sigset_t all, previous;
    sigfillset(&all);
    // No handler of ours may run in the child before it has reset them.
    pthread_sigmask(SIG_SETMASK, &all, &previous);
    pid_t pid = vfork();
    if (pid == 0) {
        for (int sig = 1; sig < NSIG; sig++) {
            if (sig == SIGKILL || sig == SIGSTOP) continue;
            struct sigaction action;
            memset(&action, 0, sizeof action);
            action.sa_handler = SIG_DFL;
            sigaction(sig, &action, NULL);
        }
        setpgid(0, 0);
        if (nofile_raised) setrlimit(RLIMIT_NOFILE, &original_nofile);
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        // The parent may have died between vfork and prctl: then nobody would ever kill us.
        if (getppid() != parent) _exit(127);
        if (in_fd != 0) dup2(in_fd, 0);
        if (out_fd != 1) dup2(out_fd, 1);
        if (out_fd != 2) dup2(out_fd, 2);
#ifdef SYS_close_range
        if (syscall(SYS_close_range, 3, ~0U, 0) != 0)
#endif
            for (int fd = 3; fd < max_fd; fd++) close(fd);
        sigset_t none;
        sigemptyset(&none);
        sigprocmask(SIG_SETMASK, &none, NULL);
        execve(path, argv, envp);
        child_error = errno;
        _exit(127);
    }
    int spawn_error = pid < 0 ? errno : child_error;
    pthread_sigmask(SIG_SETMASK, &previous, NULL);
    if (pid > 0 && spawn_error != 0) {
        int status;
        while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {}
        pid = -1;
    }
    if (pid < 0) {
        *error = spawn_error;
        return -1;
    }
    setpgid(pid, pid);
    return pid;
}

// MARK: Leaving

/// The terminal back, stderr back, children gone: everything any way out needs.
static void leave(void) {
    mesh_guard_restore_terminal();
    mesh_guard_release_stderr();
    mesh_guard_kill_tracked();
}

// MARK: Fatal signals

static const int fatal_signals[] = { SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGTRAP, SIGABRT };
#define FATAL_COUNT (sizeof fatal_signals / sizeof fatal_signals[0])
static struct sigaction previous_fatal[FATAL_COUNT];
static int chain_fatal;
static atomic_flag in_fatal = ATOMIC_FLAG_INIT;

static void die_of(int sig) {
    signal(sig, SIG_DFL);
    // Blocked while this handler runs: delivered, with its default action, once it returns
    // (a faulting instruction faults again anyway).
    raise(sig);
}

static void on_fatal(int sig, siginfo_t *info, void *context) {
    if (atomic_flag_test_and_set(&in_fatal)) { die_of(sig); return; }
    leave();
    say("mesh-top: internal error: ");
    say(signal_name(sig));
    say("; the terminal is restored and supervised processes are stopped");
    say(chain_fatal ? "\n" : " (SWIFT_BACKTRACE=enable=yes shows a backtrace)\n");
    for (size_t i = 0; i < FATAL_COUNT; i++) {
        if (fatal_signals[i] != sig || !chain_fatal) continue;
        // Swift's backtracer, when SWIFT_BACKTRACE asked for it.
        struct sigaction *old = &previous_fatal[i];
        if ((old->sa_flags & SA_SIGINFO) && old->sa_sigaction) old->sa_sigaction(sig, info, context);
        else if (old->sa_handler != SIG_DFL && old->sa_handler != SIG_IGN) old->sa_handler(sig);
    }
    die_of(sig);
}

void mesh_guard_install_fatal(int chain) {
    chain_fatal = chain;
    // A parent may have started us with signals blocked (test runners' threads block most):
    // a blocked fault kills without a handler, a blocked SIGINT is never seen. Unblocked here,
    // first thing, every thread started later inherits it.
    sigset_t wanted;
    sigemptyset(&wanted);
    for (size_t i = 0; i < FATAL_COUNT; i++) sigaddset(&wanted, fatal_signals[i]);
    sigaddset(&wanted, SIGINT);
    sigaddset(&wanted, SIGTERM);
    sigaddset(&wanted, SIGHUP);
    pthread_sigmask(SIG_UNBLOCK, &wanted, NULL);
    // A handler for a stack overflow needs a stack of its own (the main thread's, here), unless
    // one is there already (Swift's backtracer sets its own up).
    static char alternate[64 * 1024];
    stack_t current;
    if (sigaltstack(NULL, &current) == 0 && (current.ss_flags & SS_DISABLE)) {
        stack_t stack = { .ss_sp = alternate, .ss_size = sizeof alternate, .ss_flags = 0 };
        sigaltstack(&stack, NULL);
    }
    for (size_t i = 0; i < FATAL_COUNT; i++) {
        struct sigaction action;
        memset(&action, 0, sizeof action);
        action.sa_sigaction = on_fatal;
        action.sa_flags = SA_SIGINFO | SA_ONSTACK;
        sigemptyset(&action.sa_mask);
        sigaction(fatal_signals[i], &action, &previous_fatal[i]);
    }
}

// MARK: Stop signals

static _Atomic int stop_count;
static _Atomic int first_stop;
static int wake[2] = { -1, -1 };

static void on_stop(int sig) {
    int saved_errno = errno;
    if (atomic_fetch_add(&stop_count, 1) > 0) {
        leave();
        say("mesh-top: ");
        say(signal_name(sig));
        say(" again: stopped at once\n");
        _exit(128 + sig);
    }
    atomic_store(&first_stop, sig);
    if (wake[1] >= 0) {
        ssize_t ignored = write(wake[1], "s", 1);
        (void)ignored;
    }
    errno = saved_errno;
}

static const int stop_signals[] = { SIGINT, SIGTERM, SIGHUP };
#define STOP_COUNT (sizeof stop_signals / sizeof stop_signals[0])

static void set_stop_handlers(void (*handler)(int)) {
    for (size_t i = 0; i < STOP_COUNT; i++) {
        struct sigaction action;
        memset(&action, 0, sizeof action);
        action.sa_handler = handler;
        action.sa_flags = SA_RESTART;
        sigemptyset(&action.sa_mask);
        sigaction(stop_signals[i], &action, NULL);
    }
}

int mesh_guard_arm_stop(void) {
    static atomic_flag piped = ATOMIC_FLAG_INIT;
    if (!atomic_flag_test_and_set(&piped) && pipe2(wake, O_CLOEXEC | O_NONBLOCK) != 0) wake[0] = wake[1] = -1;
    atomic_store(&stop_count, 0);
    atomic_store(&first_stop, 0);
    char drain[16];
    while (wake[0] >= 0 && read(wake[0], drain, sizeof drain) > 0) {}
    set_stop_handlers(on_stop);
    sigset_t stops;
    sigemptyset(&stops);
    for (size_t i = 0; i < STOP_COUNT; i++) sigaddset(&stops, stop_signals[i]);
    pthread_sigmask(SIG_UNBLOCK, &stops, NULL);
    return wake[0];
}

void mesh_guard_disarm_stop(void) {
    set_stop_handlers(SIG_DFL);
    atomic_store(&stop_count, 0);
    atomic_store(&first_stop, 0);
}

int mesh_guard_stop_signal(void) { return atomic_load(&first_stop); }

void mesh_guard_stopping(void) {
    int zero = 0;
    atomic_compare_exchange_strong(&stop_count, &zero, 1);
}
