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
        let process = Process()
        process.executableURL = URL(fileURLWithPath: ip)
        process.arguments = ["link", "set", "lo", "up"]
        do { try process.run() } catch { return "\(ip): \(error.localizedDescription)" }
        process.waitUntilExit()
        return process.terminationStatus == 0 ? nil : "ip link set lo up: exit \(process.terminationStatus)"
    }
}
