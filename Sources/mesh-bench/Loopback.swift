import Foundation

/// The bench's blocking sockets to 127.0.0.1.
enum Loopback {
    /// `connect(2)` of `fd` to 127.0.0.1:`port`: 0, or -1 with `errno` set.
    static func connect(_ fd: Int32, port: Int) -> Int32 {
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = in_port_t(UInt16(port).bigEndian)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        return withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                Foundation.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
    }
}
