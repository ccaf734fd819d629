#if canImport(Glibc)
import Glibc
#endif

/// A blocking client speaking bytes, so tests control exactly what goes on the wire (pipelining,
/// HTTP/1.0, half requests) and read responses with an independent little parser.
public final class RawClient {
    public struct Response: Sendable {
        public var status: Int
        public var headers: [(String, String)]
        public var body: String

        public func header(_ name: String) -> String? {
            headers.first { $0.0.lowercased() == name.lowercased() }?.1
        }
    }

    public enum Failure: Error { case connect, closed, timeout, malformed(String) }

    private let fd: Int32
    private var pending: [UInt8] = []

    /// Connects to `host` (an IPv4 address; 127.0.0.1 unless given) on the calling thread, so
    /// in the calling thread's network namespace. `receiveBuffer`: SO_RCVBUF, for a client that
    /// reads slowly and should show it soon.
    public init(host: String = "127.0.0.1", port: Int, timeout: Double = 5, receiveBuffer: Int? = nil) throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        if var size = receiveBuffer.map(Int32.init) {
            setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, socklen_t(MemoryLayout<Int32>.size))
        }
        var tv = timeval(tv_sec: Int(timeout), tv_usec: Int((timeout - Double(Int(timeout))) * 1e6))
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        let rc = Loopback.withAddress(port, host: host) { connect(fd, $0, $1) }
        // No close here: a class whose init throws once every property is set still runs its
        // deinit, which closes `fd`; a second close could close a socket NIO has reused the
        // number for, which NIO traps on.
        guard rc == 0 else { throw Failure.connect }
    }

    deinit { close(fd) }

    public func send(_ text: String) {
        var bytes = Array(text.utf8)
        var off = 0
        while off < bytes.count {
            let n = bytes.withUnsafeMutableBytes { Glibc.send(fd, $0.baseAddress! + off, $0.count - off, Int32(MSG_NOSIGNAL)) }
            if n <= 0 { return }
            off += n
        }
    }

    public func shutdownWrite() { shutdown(fd, Int32(SHUT_WR)) }

    /// Sends `count` zero bytes, or as many as the peer takes before the send timeout; how many.
    public func send(zeros count: Int) -> Int {
        let chunk = [UInt8](repeating: 0, count: 65536)
        var sent = 0
        while sent < count {
            let n = chunk.withUnsafeBytes { Glibc.send(fd, $0.baseAddress!, min($0.count, count - sent), Int32(MSG_NOSIGNAL)) }
            if n <= 0 { break }
            sent += n
        }
        return sent
    }

    /// Whether a byte (or EOF) is there to read now.
    public func hasBytes() -> Bool {
        if !pending.isEmpty { return true }
        var byte: UInt8 = 0
        return recv(fd, &byte, 1, Int32(MSG_PEEK | MSG_DONTWAIT)) >= 0
    }

    /// Reads until EOF, a receive timeout or `limit` bytes: how many came, and whether the peer
    /// closed.
    public func drain(upTo limit: Int = .max) -> (bytes: Int, closed: Bool) {
        var total = pending.count
        pending = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        while total < limit {
            let n = recv(fd, &chunk, chunk.count, 0)
            if n == 0 { return (total, true) }
            if n < 0 { return (total, false) }
            total += n
        }
        return (total, false)
    }

    /// True when the peer closed (EOF) within the receive timeout.
    public func isClosedByPeer() -> Bool {
        var byte: UInt8 = 0
        return recv(fd, &byte, 1, 0) == 0
    }

    /// Whatever bytes arrive next; nil at EOF or timeout.
    public func receiveSome() -> [UInt8]? {
        if !pending.isEmpty { defer { pending = [] }; return pending }
        do { try fill() } catch { return nil }
        defer { pending = [] }
        return pending
    }

    private func fill() throws {
        var chunk = [UInt8](repeating: 0, count: 65536)
        let n = recv(fd, &chunk, chunk.count, 0)
        if n == 0 { throw Failure.closed }
        if n < 0 { throw Failure.timeout }
        pending += chunk[0..<n]
    }

    private func readLine() throws -> String {
        while true {
            if let i = pending.firstIndex(of: 0x0A) {
                var line = Array(pending[..<i])
                pending.removeFirst(i + 1)
                if line.last == 0x0D { line.removeLast() }
                return String(decoding: line, as: UTF8.self)
            }
            try fill()
        }
    }

    private func readExactly(_ n: Int) throws -> [UInt8] {
        while pending.count < n { try fill() }
        let out = Array(pending[..<n])
        pending.removeFirst(n)
        return out
    }

    public func readResponse(head isHead: Bool = false) throws -> Response {
        let statusLine = try readLine()
        let parts = statusLine.split(separator: " ")
        guard parts.count >= 2, let status = Int(parts[1]) else { throw Failure.malformed(statusLine) }
        var headers: [(String, String)] = []
        while true {
            let line = try readLine()
            if line.isEmpty { break }
            guard let colon = line.firstIndex(of: ":") else { throw Failure.malformed(line) }
            headers.append((String(line[..<colon]), line[line.index(after: colon)...].trimmingSpaces()))
        }
        var response = Response(status: status, headers: headers, body: "")
        if status < 200 { return try readResponse(head: isHead) }
        if isHead || status == 204 || status == 304 { return response }
        if response.header("transfer-encoding")?.lowercased() == "chunked" {
            var body: [UInt8] = []
            while true {
                let size = Int(try readLine().split(separator: ";")[0], radix: 16) ?? 0
                if size == 0 { while try !readLine().isEmpty {}; break }
                body += try readExactly(size)
                _ = try readLine()
            }
            response.body = String(decoding: body, as: UTF8.self)
        } else if let length = response.header("content-length").flatMap({ Int($0) }) {
            response.body = String(decoding: try readExactly(length), as: UTF8.self)
        } else {
            var body = pending
            pending = []
            while true {
                do { try fill(); body += pending; pending = [] } catch Failure.closed { break }
            }
            response.body = String(decoding: body, as: UTF8.self)
        }
        return response
    }

    /// One request and its response on a fresh connection.
    public static func get(_ port: Int, _ path: String = "/", headers: String = "", timeout: Double = 5) throws -> Response {
        let client = try RawClient(port: port, timeout: timeout)
        client.send("GET \(path) HTTP/1.1\r\nHost: test\r\n\(headers)\r\n")
        return try client.readResponse()
    }
}

private extension Substring {
    func trimmingSpaces() -> String {
        var s = self
        while s.first == " " { s.removeFirst() }
        while s.last == " " { s.removeLast() }
        return String(s)
    }
}
