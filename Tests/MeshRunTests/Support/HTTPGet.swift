import Foundation
import MeshTestSupport

/// A one-shot HTTP/1.1 GET over a plain socket: the status code, or nil when the connection
/// failed. Enough to see what a client of the proxy sees.
func httpGet(port: Int, path: String = "/", timeout: Int = 5) -> Int? {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    defer { close(fd) }
    var tv = timeval(tv_sec: timeout, tv_usec: 0)
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
    let connected = Loopback.withAddress(port) { connect(fd, $0, $1) }
    guard connected == 0 else { return nil }
    let request = "GET \(path) HTTP/1.1\r\nHost: test\r\nConnection: close\r\n\r\n"
    _ = request.withCString { send(fd, $0, strlen($0), 0) }
    var buffer = [UInt8](repeating: 0, count: 512)
    let n = recv(fd, &buffer, buffer.count, 0)
    guard n > 12 else { return nil }
    let head = String(decoding: buffer[0..<n], as: UTF8.self)
    return Int(head.dropFirst(9).prefix(3))
}

/// A port that binds now, outside the ephemeral range other tests' servers get (for ports a
/// child process must be told in advance).
func unusedPort() -> Int { Loopback.freePort(in: 30_000...32_000) }
