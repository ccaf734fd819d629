#if canImport(Glibc)
public import Glibc
#endif
import Synchronization

/// 127.0.0.1 for tests: addresses, and ports that are free now.
public enum Loopback {
    /// Runs `body` with host:port (127.0.0.1 unless given) as a `sockaddr`.
    public static func withAddress<T>(_ port: Int, host: String = "127.0.0.1", _ body: (UnsafePointer<sockaddr>, socklen_t) -> T) -> T {
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = in_port_t(UInt16(port).bigEndian)
        addr.sin_addr.s_addr = inet_addr(host)
        return withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { body($0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
    }

    /// A port that binds now, drawn from `range`: each test target draws from its own range,
    /// outside the ephemeral one, so ports told to child processes in advance do not collide.
    /// Every test target runs in one process, so a port is handed out once per run (tests
    /// running side by side would otherwise draw the same one before either binds it).
    public static func freePort(in range: ClosedRange<Int>) -> Int {
        while true {
            let port = Int.random(in: range)
            guard claim(port, of: range) else { continue }
            let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            let bound = withAddress(port) { bind(fd, $0, $1) }
            close(fd)
            if bound == 0 { return port }
        }
    }

    private static let handedOut = Mutex<Set<Int>>([])

    /// True the first time `port` is asked for; once most of `range` is taken, the oldest are
    /// long closed, so the range starts over.
    private static func claim(_ port: Int, of range: ClosedRange<Int>) -> Bool {
        handedOut.withLock { ports in
            if ports.count(where: { range.contains($0) }) > range.count * 3 / 4 { ports.subtract(range) }
            return ports.insert(port).inserted
        }
    }

    /// Whether something accepts connections on 127.0.0.1:port right now.
    public static func connects(port: Int) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        return withAddress(port) { connect(fd, $0, $1) } == 0
    }
}

