import NIOConcurrencyHelpers
import NIOCore
import NIOPosix

/// An origin that frames requests by CRLF only, the way strict servers do (like the field cases'
/// `rawbackend.py`): a line ends at CRLF and nowhere else, Transfer-Encoding counts when its last
/// comma-separated element is `chunked`, and whatever follows a chunk size's hex digits up to the
/// CRLF is an extension. It records every request it reads, byte for byte, and answers as told.
/// Its parser is its own, written independently of the proxy's reader.
final class StrictOrigin: Sendable {
    struct Request: Sendable {
        /// Which connection, counted from 1, and which request on it.
        var connection: Int
        var index: Int
        /// Head and body as received.
        var raw: [UInt8]
        var path: String

        var text: String { String(decoding: raw, as: UTF8.self) }
    }

    enum Answer: Sendable {
        /// These bytes; then close the connection when told.
        case bytes(String, close: Bool)
        /// Close without a word (after having read the request).
        case close
        /// Never answer.
        case silence
        /// These bytes once `releaseHeld()` is called.
        case held(String)
    }

    let channel: any Channel
    private let state = NIOLockedValueBox(State())

    private struct State {
        var requests: [Request] = []
        var connections = 0
        var closedConnections = 0
        var held: [(any Channel, String)] = []
    }

    var port: Int { channel.localAddress!.port! }
    var address: SocketAddress { channel.localAddress! }

    /// - Parameter answer: what to send for a request (the default: 200 with "ok").
    init(group: any EventLoopGroup,
         answer: @escaping @Sendable (Request) -> Answer = { _ in .bytes("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok", close: false) }) async throws {
        let state = self.state
        channel = try await ServerBootstrap(group: group)
            .serverChannelOption(ChannelOptions.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                let id = state.withLockedValue { $0.connections += 1; return $0.connections }
                return channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(Connection(id: id, answer: answer) { request in
                        state.withLockedValue { $0.requests.append(request) }
                    } hold: { text in
                        state.withLockedValue { $0.held.append((channel, text)) }
                    } closed: {
                        state.withLockedValue { $0.closedConnections += 1 }
                    })
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
    }

    var requests: [Request] { state.withLockedValue { $0.requests } }
    var connections: Int { state.withLockedValue { $0.connections } }
    var closedConnections: Int { state.withLockedValue { $0.closedConnections } }
    /// Requests waiting for `releaseHeld()`.
    var heldCount: Int { state.withLockedValue { $0.held.count } }

    /// Answers the requests told to wait (`.held`).
    func releaseHeld() {
        for (channel, text) in state.withLockedValue({ s in defer { s.held = [] }; return s.held }) {
            channel.writeAndFlush(ByteBuffer(string: text), promise: nil)
        }
    }

    func stop() async { try? await channel.close() }

    private final class Connection: ChannelInboundHandler {
        typealias InboundIn = ByteBuffer
        typealias OutboundOut = ByteBuffer

        let id: Int
        let answer: @Sendable (Request) -> Answer
        let record: (Request) -> Void
        let hold: (String) -> Void
        let closed: () -> Void
        var pending: [UInt8] = []
        var index = 0
        var done = false

        init(id: Int, answer: @escaping @Sendable (Request) -> Answer, record: @escaping (Request) -> Void,
             hold: @escaping (String) -> Void, closed: @escaping () -> Void) {
            self.id = id; self.answer = answer; self.record = record; self.hold = hold; self.closed = closed
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            pending += Array(buffer: unwrapInboundIn(data))
            while !done, let length = Self.requestLength(pending) {
                let raw = Array(pending[..<length])
                pending.removeFirst(length)
                index += 1
                let line = raw.prefix { $0 != 0x0D }.split(separator: 0x20)
                let request = Request(connection: id, index: index, raw: raw,
                                      path: line.count > 1 ? String(decoding: line[1], as: UTF8.self) : "")
                record(request)
                switch answer(request) {
                case .bytes(let text, let close):
                    context.writeAndFlush(wrapOutboundOut(ByteBuffer(string: text)), promise: nil)
                    if close { done = true; context.close(promise: nil) }
                case .close:
                    done = true
                    context.close(promise: nil)
                case .silence:
                    done = true
                case .held(let text):
                    hold(text)
                }
            }
        }

        func channelInactive(context: ChannelHandlerContext) { closed() }

        func errorCaught(context: ChannelHandlerContext, error: any Error) { context.close(promise: nil) }

        /// Bytes of the first complete request in `bytes`, or nil while it is not all there.
        static func requestLength(_ bytes: [UInt8]) -> Int? {
            guard let headEnd = find(bytes, [0x0D, 0x0A, 0x0D, 0x0A], from: 0) else { return nil }
            let lines = split(Array(bytes[..<headEnd]))
            var fields: [(String, String)] = []
            for line in lines.dropFirst() {
                guard let colon = line.firstIndex(of: UInt8(ascii: ":")) else { continue }
                let name = String(decoding: line[..<colon], as: UTF8.self).lowercased()
                let value = String(decoding: line[(colon + 1)...], as: UTF8.self).trimmed(" \t")
                fields.append((name, value))
            }
            let body = headEnd + 4
            let codings = fields.filter { $0.0 == "transfer-encoding" }.map(\.1).joined(separator: ",")
            if !codings.isEmpty {
                let last = codings.split(separator: ",", omittingEmptySubsequences: false).last.map(String.init) ?? ""
                guard last.trimmed(" \t").lowercased() == "chunked" else { return body }
                return chunkedEnd(bytes, from: body)
            }
            if let length = fields.first(where: { $0.0 == "content-length" }).flatMap({ Int($0.1) }) {
                return bytes.count >= body + length ? body + length : nil
            }
            return body
        }

        static func chunkedEnd(_ bytes: [UInt8], from start: Int) -> Int? {
            var at = start
            while true {
                guard let eol = find(bytes, [0x0D, 0x0A], from: at) else { return nil }
                let digits = bytes[at..<eol].prefix { $0 < 128 && Character(UnicodeScalar($0)).isHexDigit }
                let size = Int(String(decoding: digits, as: UTF8.self), radix: 16) ?? 0
                at = eol + 2
                if size == 0 {
                    // Trailer lines up to the empty one.
                    while true {
                        guard let end = find(bytes, [0x0D, 0x0A], from: at) else { return nil }
                        defer { at = end + 2 }
                        if end == at { return end + 2 }
                    }
                }
                guard bytes.count >= at + size + 2 else { return nil }
                at += size + 2
            }
        }

        static func find(_ bytes: [UInt8], _ needle: [UInt8], from: Int) -> Int? {
            guard bytes.count >= needle.count, from <= bytes.count - needle.count else { return nil }
            for i in from...(bytes.count - needle.count) where Array(bytes[i..<(i + needle.count)]) == needle { return i }
            return nil
        }

        static func split(_ head: [UInt8]) -> [ArraySlice<UInt8>] {
            var lines: [ArraySlice<UInt8>] = []
            var start = 0
            while let eol = find(head, [0x0D, 0x0A], from: start) {
                lines.append(head[start..<eol])
                start = eol + 2
            }
            lines.append(head[start...])
            return lines
        }
    }
}

private extension String {
    func trimmed(_ set: String) -> String {
        var s = Substring(self)
        while let c = s.first, set.contains(c) { s.removeFirst() }
        while let c = s.last, set.contains(c) { s.removeLast() }
        return String(s)
    }
}
