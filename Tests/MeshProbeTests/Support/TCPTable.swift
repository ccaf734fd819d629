import Foundation
import Glibc
import MeshTestSupport

/// The kernel's view of TCP sockets, and a listener that never completes a handshake.
enum TCPTable {
    /// `/proc/net/tcp` lines whose remote end is 127.0.0.1:port (client sockets to it), any state.
    static func sockets(toPort port: Int) -> [String] {
        guard let table = try? String(contentsOfFile: "/proc/net/tcp", encoding: .utf8) else { return [] }
        let remote = String(format: "0100007F:%04X", port)
        return table.split(separator: "\n").dropFirst().map(String.init).filter { line in
            let fields = line.split(separator: " ")
            return fields.count > 3 && fields[2] == remote
        }
    }

    /// Listens with a backlog of 0 and fills the queue without accepting, so the next SYN is
    /// dropped and a connect to it hangs. Returns the listener (and the fillers, in its fd list).
    static func fullListener() throws -> (fds: [Int32], port: Int) {
        let port = Loopback.freePort(in: 34_001...35_000)
        let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard Loopback.withAddress(port, { bind(listener, $0, $1) }) == 0, listen(listener, 0) == 0 else {
            throw POSIXError(.EADDRINUSE)
        }
        var fds = [listener]
        for _ in 0..<2 {
            let filler = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue), 0)
            _ = Loopback.withAddress(port) { connect(filler, $0, $1) }
            fds.append(filler)
        }
        usleep(50_000)
        return (fds, port)
    }

    static func close(_ fds: [Int32]) { for fd in fds { Glibc.close(fd) } }
}
