import NIOCore

/// Finds the status of an HTTP/1.x response and where it ends (Content-Length, chunked, or until
/// close), without building header objects: a health check needs the status and whether the
/// connection can be reused, nothing else, and NIOHTTP1's per-part objects cost about 2× the CPU.
struct HTTPResponseScanner {
    enum Outcome: Equatable {
        case needMore
        /// The whole response has been read (or, for a body that runs until close, its head).
        case complete(status: Int, keepAlive: Bool)
        case malformed(String)
    }

    private enum State: Equatable {
        case head
        case body(remaining: Int)
        case chunkSize(value: Int, digits: Int, inExtension: Bool)
        case chunkData(remaining: Int)
        case chunkEnd
        case trailers(lineLength: Int)
        case done
    }

    /// A head larger than this is not a health endpoint's answer.
    static let maxHead = 16 * 1024

    private var state = State.head
    /// Bytes of a head split over several reads.
    private var pending: ByteBuffer?
    private var status = 0
    private var keepAlive = true

    /// True once any byte of the current response has been seen: a connection closed before that
    /// may just have been a stale keep-alive connection, worth one retry.
    var hasStarted: Bool { state != .head || pending != nil }

    /// Ready for the next response on the same connection.
    mutating func reset() {
        state = .head; pending = nil; status = 0; keepAlive = true
    }

    mutating func feed(_ input: inout ByteBuffer) -> Outcome {
        guard var merged = pending else { return run(&input) }
        pending = nil
        merged.writeBuffer(&input)
        return run(&merged)
    }

    private mutating func run(_ buffer: inout ByteBuffer) -> Outcome {
        while true {
            switch state {
            case .head:
                guard let end = Self.headEnd(buffer) else {
                    guard buffer.readableBytes <= Self.maxHead else { return .malformed("bad response") }
                    if buffer.readableBytes > 0 { pending = buffer }
                    return .needMore
                }
                guard let framing = parseHead(buffer, length: end) else { return .malformed("bad response") }
                buffer.moveReaderIndex(forwardBy: end)
                switch framing {
                case .informational: continue
                case .untilClose:
                    keepAlive = false
                    state = .done
                case .length(let n): state = n == 0 ? .done : .body(remaining: n)
                case .chunked: state = .chunkSize(value: 0, digits: 0, inExtension: false)
                }
            case .body(let remaining):
                let n = min(remaining, buffer.readableBytes)
                buffer.moveReaderIndex(forwardBy: n)
                guard n == remaining else { state = .body(remaining: remaining - n); return .needMore }
                state = .done
            case .chunkData(let remaining):
                let n = min(remaining, buffer.readableBytes)
                buffer.moveReaderIndex(forwardBy: n)
                guard n == remaining else { state = .chunkData(remaining: remaining - n); return .needMore }
                state = .chunkEnd
            case .chunkSize, .chunkEnd, .trailers:
                guard let byte = buffer.readInteger(as: UInt8.self) else { return .needMore }
                if let failure = step(byte) { return .malformed(failure) }
            case .done:
                // A health check never pipelines: bytes after the response mean the connection is
                // out of step, so it is not reused.
                return .complete(status: status, keepAlive: keepAlive && buffer.readableBytes == 0)
            }
        }
    }

    /// One byte of the chunked framing's lines (sizes, the CRLF after data, trailers).
    private mutating func step(_ byte: UInt8) -> String? {
        switch state {
        case .chunkSize(let value, let digits, let inExtension):
            if byte == UInt8(ascii: "\n") {
                guard digits > 0 else { return "bad chunk" }
                state = value == 0 ? .trailers(lineLength: 0) : .chunkData(remaining: value)
            } else if byte == UInt8(ascii: "\r") || inExtension {
                break
            } else if let digit = Self.hexValue(byte) {
                guard digits < 15 else { return "bad chunk" }
                state = .chunkSize(value: value << 4 | digit, digits: digits + 1, inExtension: false)
            } else if byte == UInt8(ascii: ";") || byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") {
                state = .chunkSize(value: value, digits: digits, inExtension: true)
            } else {
                return "bad chunk"
            }
        case .chunkEnd:
            if byte == UInt8(ascii: "\n") {
                state = .chunkSize(value: 0, digits: 0, inExtension: false)
            } else if byte != UInt8(ascii: "\r") {
                return "bad chunk"
            }
        case .trailers(let lineLength):
            if byte == UInt8(ascii: "\n") {
                state = lineLength == 0 ? .done : .trailers(lineLength: 0)
            } else if byte != UInt8(ascii: "\r") {
                state = .trailers(lineLength: lineLength + 1)
            }
        default:
            break
        }
        return nil
    }

    // MARK: The head

    private enum Framing { case informational, untilClose, length(Int), chunked }

    private struct Head {
        var status = 0
        var keepAlive = true
        var length: Int?
        var chunked = false
    }

    /// Status line and the three headers that decide framing and reuse, read in place.
    private mutating func parseHead(_ buffer: ByteBuffer, length end: Int) -> Framing? {
        guard let head = buffer.withUnsafeReadableBytes({ Self.scanHead(UnsafeRawBufferPointer(rebasing: $0[..<end])) }) else {
            return nil
        }
        status = head.status
        keepAlive = head.keepAlive
        if status >= 100 && status < 200 && status != 101 { return .informational }
        if status == 101 { return .untilClose }
        if status == 204 || status == 304 { return .length(0) }
        if head.chunked { return .chunked }
        if let length = head.length { return .length(length) }
        return .untilClose
    }

    private static func scanHead(_ bytes: UnsafeRawBufferPointer) -> Head? {
        let prefix: StaticString = "HTTP/1."
        guard bytes.count >= 12,
              prefix.withUTF8Buffer({ p in p.indices.allSatisfy { bytes[$0] == p[$0] } }),
              bytes[8] == UInt8(ascii: " "), (9..<12).allSatisfy({ isDigit(bytes[$0]) }) else { return nil }
        var head = Head()
        head.status = (9..<12).reduce(0) { $0 * 10 + Int(bytes[$1] - 48) }
        head.keepAlive = bytes[7] != UInt8(ascii: "0")

        var lineStart = 0
        while let newline = (lineStart..<bytes.count).first(where: { bytes[$0] == 10 }) {
            defer { lineStart = newline + 1 }
            guard lineStart > 0, let colon = (lineStart..<newline).first(where: { bytes[$0] == UInt8(ascii: ":") }) else { continue }
            let name = trimmed(bytes, lineStart..<colon), value = trimmed(bytes, (colon + 1)..<newline)
            if equalsIgnoringCase(bytes, name, "content-length") {
                guard !value.isEmpty, value.count < 16, value.allSatisfy({ isDigit(bytes[$0]) }) else { return nil }
                head.length = value.reduce(0) { $0 * 10 + Int(bytes[$1] - 48) }
            } else if equalsIgnoringCase(bytes, name, "transfer-encoding") {
                head.chunked = containsIgnoringCase(bytes, value, "chunked")
            } else if equalsIgnoringCase(bytes, name, "connection") {
                if containsIgnoringCase(bytes, value, "close") { head.keepAlive = false }
                else if containsIgnoringCase(bytes, value, "keep-alive") { head.keepAlive = true }
            }
        }
        return head
    }

    /// Offset just past the blank line ending the head, if it has arrived.
    private static func headEnd(_ buffer: ByteBuffer) -> Int? {
        buffer.withUnsafeReadableBytes { bytes -> Int? in
            guard bytes.count >= 4 else { return nil }
            var i = 3
            while i < bytes.count {
                if bytes[i] == 10 {
                    if bytes[i - 1] == 13 && bytes[i - 2] == 10 && bytes[i - 3] == 13 { return i + 1 }
                    if bytes[i - 1] == 10 { return i + 1 }
                }
                i += 1
            }
            return nil
        }
    }

    private static func isDigit(_ b: UInt8) -> Bool { b >= 48 && b <= 57 }

    private static func hexValue(_ byte: UInt8) -> Int? {
        switch byte {
        case 48...57: Int(byte - 48)
        case 65...70: Int(byte - 55)
        case 97...102: Int(byte - 87)
        default: nil
        }
    }

    private static func trimmed(_ bytes: UnsafeRawBufferPointer, _ range: Range<Int>) -> Range<Int> {
        let isSpace = { (b: UInt8) in b == 32 || b == 9 || b == 13 }
        var lower = range.lowerBound, upper = range.upperBound
        while lower < upper && isSpace(bytes[lower]) { lower += 1 }
        while upper > lower && isSpace(bytes[upper - 1]) { upper -= 1 }
        return lower..<upper
    }

    private static func lower(_ b: UInt8) -> UInt8 { b >= 65 && b <= 90 ? b + 32 : b }

    private static func equalsIgnoringCase(_ bytes: UnsafeRawBufferPointer, _ range: Range<Int>, _ name: StaticString) -> Bool {
        name.withUTF8Buffer { needle in
            range.count == needle.count && needle.indices.allSatisfy { lower(bytes[range.lowerBound + $0]) == needle[$0] }
        }
    }

    /// Whether a header value mentions `word` (lower case), as in `Connection: keep-alive, Upgrade`.
    private static func containsIgnoringCase(_ bytes: UnsafeRawBufferPointer, _ range: Range<Int>, _ word: StaticString) -> Bool {
        word.withUTF8Buffer { needle in
            guard range.count >= needle.count else { return false }
            return (range.lowerBound...(range.upperBound - needle.count)).contains { start in
                needle.indices.allSatisfy { lower(bytes[start + $0]) == needle[$0] }
            }
        }
    }
}
