import Foundation
import NIOConcurrencyHelpers

/// The clients of `mesh-bench soak`: blocking sockets on threads of their own, each sending
/// requests to the soak's services by their weights, reading each answer to its end or to the
/// close, counting how they ended.
final class SoakLoad: Sendable {
    enum Ending: String, CaseIterable { case ok = "200", badGateway = "502", timeout = "504", other, cut }

    private let ports: [SoakOrigin: Int]
    private let endings = NIOLockedValueBox<[Ending: Int]>([:])

    init(ports: [SoakOrigin: Int]) { self.ports = ports }

    /// Runs `clients` threads for `seconds`; returns how the requests ended.
    func run(clients: Int, seconds: Double) -> [Ending: Int] {
        endings.withLockedValue { $0 = [:] }
        let deadline = Date().addingTimeInterval(seconds)
        let done = DispatchGroup()
        for index in 0..<clients {
            done.enter()
            Thread {
                self.client(index, until: deadline)
                done.leave()
            }.start()
        }
        done.wait()
        return endings.withLockedValue { $0 }
    }

    private func client(_ index: Int, until deadline: Date) {
        var random = SystemRandomNumberGenerator()
        var kept: SoakSocket?
        var n = index
        while Date() < deadline {
            n += 1
            let kind = Self.pick(Int.random(in: 0..<100, using: &random))
            guard let port = ports[kind] else { return }
            // The good service on a kept-alive connection, the faulty ones on fresh ones.
            let socket = kind == .good ? (kept ?? SoakSocket(port: port)) : SoakSocket(port: port)
            guard let socket else { continue }
            let post = n % 4 == 0
            let request = post
                ? "POST /soak/\(n) HTTP/1.1\r\nHost: soak\r\nContent-Length: 512\r\n\r\n" + String(repeating: "p", count: 512)
                : "GET /soak/\(n) HTTP/1.1\r\nHost: soak\r\n\r\n"
            let (ending, reusable) = socket.exchange(request)
            endings.withLockedValue { $0[ending, default: 0] += 1 }
            kept = kind == .good && reusable ? socket : (kind == .good ? nil : kept)
        }
    }

    static func pick(_ roll: Int) -> SoakOrigin {
        var sum = 0
        for kind in SoakOrigin.allCases {
            sum += kind.weight
            if roll < sum { return kind }
        }
        return .good
    }
}

/// One blocking client connection.
final class SoakSocket {
    private let fd: Int32

    init?(port: Int, timeout: Int = 10) {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var tv = timeval(tv_sec: timeout, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        let rc = Loopback.connect(fd, port: port)
        // No close here: a class whose init fails once every property is set still runs its
        // deinit, which closes `fd` (closing twice could close a descriptor reused meanwhile).
        guard rc == 0 else { return nil }
    }

    deinit { close(fd) }

    /// Sends `request` and reads the answer: how it ended, and whether the connection can be used again.
    func exchange(_ request: String) -> (SoakLoad.Ending, Bool) {
        var bytes = Array(request.utf8)
        guard bytes.withUnsafeMutableBytes({ send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }) == bytes.count else {
            return (.cut, false)
        }
        var received: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            if let answer = Self.complete(received) { return answer }
            let n = recv(fd, &chunk, chunk.count, 0)
            guard n > 0 else {
                // Closed: complete when the body ran until the close.
                if let head = Self.head(received), head.length == nil { return (head.ending, false) }
                return (.cut, false)
            }
            received += chunk[0..<n]
        }
    }

    private struct Head { var size: Int; var ending: SoakLoad.Ending; var length: Int?; var close: Bool }

    private static func head(_ bytes: [UInt8]) -> Head? {
        guard bytes.count >= 4, let end = (3..<bytes.count).first(where: {
            bytes[$0] == 0x0A && bytes[$0 - 1] == 0x0D && bytes[$0 - 2] == 0x0A && bytes[$0 - 3] == 0x0D
        }) else { return nil }
        let text = String(decoding: bytes[..<end], as: UTF8.self).lowercased()
        let lines = text.split(separator: "\r\n")
        let status = lines.first.map { String($0.dropFirst(9).prefix(3)) } ?? ""
        let ending = SoakLoad.Ending(rawValue: status) ?? .other
        let length = lines.first { $0.hasPrefix("content-length:") }.flatMap { Int($0.dropFirst(15).trimmingPrefix(" ")) }
        let close = lines.contains { $0.hasPrefix("connection:") && $0.contains("close") } || text.hasPrefix("http/1.0")
        return Head(size: end + 1, ending: ending, length: length, close: close)
    }

    private static func complete(_ bytes: [UInt8]) -> (SoakLoad.Ending, Bool)? {
        guard let head = head(bytes), let length = head.length, bytes.count >= head.size + length else { return nil }
        return (head.ending, !head.close)
    }
}
