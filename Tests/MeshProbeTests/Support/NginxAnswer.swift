import Glibc
import Foundation

// Plain sockets, in a file that does not import NIO: there the C socket types belong to NIO's
// own C module, which this module does not import (MemberImportVisibility).
/// Whether 127.0.0.1:port answers `GET /health` with nginx's "ok" within `seconds`.
func nginxAnswers(port: Int, within seconds: Double) async -> Bool {
    let deadline = Date().addingTimeInterval(seconds)
    while Date() < deadline {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = in_port_t(UInt16(port).bigEndian)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        var timeout = timeval(tv_sec: 1, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        let connected = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        var reply = ""
        if connected == 0 {
            let request = "GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
            _ = request.withCString { send(fd, $0, strlen($0), 0) }
            var buffer = [UInt8](repeating: 0, count: 1024)
            let n = recv(fd, &buffer, buffer.count, 0)
            if n > 0 { reply = String(decoding: buffer[0..<n], as: UTF8.self) }
        }
        close(fd)
        if reply.hasPrefix("HTTP/1.1 200"), reply.hasSuffix("ok\n") { return true }
        try? await Task.sleep(for: .milliseconds(50))
    }
    return false
}
