import Foundation

/// nginx's own count of connections accepted and requests served (its `stub_status` page): how
/// many checks really reached the backends, whoever sent them.
struct NginxCounters {
    var accepts: Int
    var requests: Int
    /// TCP connects this machine has started (`/proc/net/snmp` Tcp ActiveOpens): TCP checks
    /// that end with a reset before nginx accepts them (HAProxy's, and ours) are counted here.
    var activeOpens = 0

    /// Reads `http://127.0.0.1:port/nginx_status` on a plain blocking socket.
    static func read(port: Int) throws -> NginxCounters {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw NginxError("socket: \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        let rc = Loopback.connect(fd, port: port)
        guard rc == 0 else { throw NginxError("cannot reach nginx on 127.0.0.1:\(port)") }
        let request = "GET /nginx_status HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n"
        _ = request.withCString { send(fd, $0, strlen($0), 0) }
        var response = [UInt8]()
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            let n = recv(fd, &chunk, chunk.count, 0)
            guard n > 0 else { break }
            response += chunk[0..<n]
        }
        var counters = try parse(String(decoding: response, as: UTF8.self))
        counters.activeOpens = activeOpens()
        return counters
    }

    /// The `ActiveOpens` column of the `Tcp:` lines of `/proc/net/snmp`; 0 where there is none.
    static func activeOpens() -> Int {
        guard let text = try? String(contentsOfFile: "/proc/net/snmp", encoding: .utf8) else { return 0 }
        let rows = text.split(separator: "\n").filter { $0.hasPrefix("Tcp:") }.map { $0.split(separator: " ") }
        guard rows.count == 2, let column = rows[0].firstIndex(of: "ActiveOpens"), column < rows[1].count else { return 0 }
        return Int(rows[1][column]) ?? 0
    }

    /// The line after "server accepts handled requests": `accepts handled requests`.
    static func parse(_ page: String) throws -> NginxCounters {
        let lines = page.split(whereSeparator: \.isNewline)
        guard let header = lines.firstIndex(where: { $0.contains("server accepts handled requests") }),
              header + 1 < lines.count else { throw NginxError("unexpected nginx status page") }
        let numbers = lines[header + 1].split(separator: " ").compactMap { Int($0) }
        guard numbers.count == 3 else { throw NginxError("unexpected nginx status line: \(lines[header + 1])") }
        return NginxCounters(accepts: numbers[0], requests: numbers[2])
    }
}
