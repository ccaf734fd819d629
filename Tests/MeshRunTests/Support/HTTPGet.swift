import Foundation

/// A one-shot HTTP/1.1 GET over a plain socket: the status code, or nil when the connection
/// failed. Enough to see what a client of the proxy sees.
func httpGet(port: Int, path: String = "/", timeout: Int = 5) -> Int? {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    defer { close(fd) }
    var tv = timeval(tv_sec: timeout, tv_usec: 0)
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
    var addr = loopback(port)
    let connected = withUnsafePointer(to: &addr) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
    }
    guard connected == 0 else { return nil }
    let request = "GET \(path) HTTP/1.1\r\nHost: test\r\nConnection: close\r\n\r\n"
    _ = request.withCString { send(fd, $0, strlen($0), 0) }
    var buffer = [UInt8](repeating: 0, count: 512)
    let n = recv(fd, &buffer, buffer.count, 0)
    guard n > 12 else { return nil }
    let head = String(decoding: buffer[0..<n], as: UTF8.self)
    return Int(head.dropFirst(9).prefix(3))
}

func loopback(_ port: Int) -> sockaddr_in {
    var addr = sockaddr_in()
    addr.sin_family = sa_family_t(AF_INET)
    addr.sin_port = in_port_t(UInt16(port).bigEndian)
    addr.sin_addr.s_addr = inet_addr("127.0.0.1")
    return addr
}

/// A port that binds now, outside the ephemeral range other tests' servers get (for ports a
/// child process must be told in advance).
func unusedPort() -> Int {
    while true {
        let port = Int.random(in: 30_000...32_000)
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var addr = loopback(port)
        let bound = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        close(fd)
        if bound == 0 { return port }
    }
}
