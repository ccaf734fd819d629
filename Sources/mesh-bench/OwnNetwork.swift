import Foundation

/// A network namespace of the benchmark's own, with its loopback up: what `unshare -n` and
/// `ip link set lo up` do (unshare(2), CLONE_NEWNET). The kernel's TCP counters are kept per
/// namespace, so there `/proc/net/snmp`'s `ActiveOpens` counts this run's connects only (its
/// checker's, HAProxy's and nginx's, which inherit it), and no port can collide with another
/// program's. Needs CAP_SYS_ADMIN (root) and iproute2's `ip`.
enum OwnNetwork {
    /// Moves the process into a new network namespace; nil on success, else why not (the process
    /// stays where it was). Call from the main thread before any other thread or child starts:
    /// only threads and children made afterwards follow it.
    static func enter() -> String? {
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "unshare") else { return "no unshare(2) in libc" }
        let unshare = unsafeBitCast(symbol, to: (@convention(c) (Int32) -> Int32).self)
        let cloneNewNet: Int32 = 0x4000_0000
        guard unshare(cloneNewNet) == 0 else { return "unshare(CLONE_NEWNET): " + String(cString: strerror(errno)) }
        // A new namespace's loopback starts down.
        guard let ip = ["/usr/sbin/ip", "/sbin/ip", "/usr/bin/ip", "/bin/ip"].first(where: FileManager.default.isExecutableFile) else {
            return "no ip(8) to bring the loopback up (apt-get install -y iproute2)"
        }
        // posix_spawn, not Foundation's Process: that needs a loopback socket pair for its run
        // loop, and the loopback is what is still down.
        var pid: pid_t = 0
        let words: [String] = [ip, "link", "set", "lo", "up"]
        let argv: [UnsafeMutablePointer<CChar>?] = words.map { strdup($0) } + [nil]
        defer { for arg in argv { free(arg) } }
        let spawned = posix_spawn(&pid, ip, nil, nil, argv, environ)
        guard spawned == 0 else { return "\(ip): " + String(cString: strerror(spawned)) }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        return status == 0 ? nil : "ip link set lo up: wait status \(status)"
    }
}
