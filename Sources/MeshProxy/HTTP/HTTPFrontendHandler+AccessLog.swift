import MeshCore
import MeshHTTP1
import NIOCore

// MARK: Access log and request IDs (only when the service has `access_log:`)

extension HTTPFrontendHandler {
    /// A new request: its entry, and its `X-Request-Id`, passed on when the client sent one,
    /// else made here and added to the head that goes upstream (Envoy's `x-request-id`: a
    /// random UUID, kept when present).
    func logBegin(_ head: RequestHeadView) {
        logEntry = .starting()
        logEntry.http = true
        logEntry.head = head.bytes
        logEntry.methodEnd = head.methodEnd
        logEntry.targetStart = head.targetStart
        logEntry.targetEnd = head.targetEnd
        logEntry.isHTTP10 = head.isHTTP10
        logEntry.bytesReceived = head.length
        logOpen = true
        if let value = RequestID.find(in: head.bytes, length: head.length) {
            logEntry.requestID = head.bytes.getSlice(at: head.bytes.readerIndex + value.lowerBound, length: value.count)
            return
        }
        guard let context, !sent.isEmpty else { return }
        let (field, id) = RequestID.make(allocator: context.channel.allocator, random: &loop.random)
        logEntry.requestID = id
        // After the request line: field order does not matter (RFC 9110 §5.3), and the line's
        // end is the first CRLF of every head, rewritten or not.
        let first = sent[0]
        guard let lineEnd = first.withUnsafeReadableBytes({ RequestID.lineEnd(in: $0) }) else { return }
        sent[0] = first.getSlice(at: first.readerIndex, length: lineEnd)!
        sent.insert(first.getSlice(at: first.readerIndex + lineEnd, length: first.readableBytes - lineEnd)!, at: 1)
        sent.insert(field, at: 1)
    }

    /// A request the reader refused before it had a head: logged with no request line.
    func logRejected() {
        logEntry = .starting()
        logEntry.http = true
        logEntry.bytesReceived = reader.bufferedBytes
        logOpen = true
    }

    /// The exchange is over: its line goes to the loop's buffer.
    func logEnd(status: Int, flags: ResponseFlags = []) {
        guard logOpen else { return }
        logOpen = false
        logEntry.status = status
        logEntry.flags.formUnion(flags)
        if exchange.retry.used > 0, status >= 500 || status == 0 { logEntry.flags.insert(.upstreamRetryLimitExceeded) }
        logEntry.retries = exchange.retry.used
        loop.log(logEntry, client: clientAddress, peer: clientPeer)
        logEntry.head = nil
        logEntry.requestID = nil
    }
}

/// The parts of a request head the log keeps.
struct RequestHeadView {
    var bytes: ByteBuffer
    var length: Int
    var methodEnd: Int
    var targetStart: Int
    var targetEnd: Int
    var isHTTP10: Bool
}

/// `X-Request-Id`: found in a head, or made.
enum RequestID {
    private static let name = Array("\r\nx-request-id:".utf8)

    /// Offsets of the value of the first `X-Request-Id` field in the head's first `length`
    /// bytes, without surrounding whitespace.
    static func find(in head: ByteBuffer, length: Int) -> Range<Int>? {
        head.withUnsafeReadableBytes { bytes -> Range<Int>? in
            let end = min(length, bytes.count)
            var i = 0
            outer: while i + name.count <= end {
                for j in 0..<name.count {
                    var b = bytes[i + j]
                    if b >= UInt8(ascii: "A"), b <= UInt8(ascii: "Z") { b |= 0x20 }
                    if b != name[j] { i += 1; continue outer }
                }
                var start = i + name.count
                while start < end, bytes[start] == UInt8(ascii: " ") || bytes[start] == UInt8(ascii: "\t") { start += 1 }
                var stop = start
                while stop < end, bytes[stop] != UInt8(ascii: "\r") { stop += 1 }
                while stop > start, bytes[stop - 1] == UInt8(ascii: " ") || bytes[stop - 1] == UInt8(ascii: "\t") { stop -= 1 }
                return stop > start ? start..<stop : nil
            }
            return nil
        }
    }

    /// Where the request line ends (after its CRLF).
    static func lineEnd(in bytes: UnsafeRawBufferPointer) -> Int? {
        guard bytes.count >= 2 else { return nil }
        for i in 0..<(bytes.count - 1) where bytes[i] == UInt8(ascii: "\r") && bytes[i + 1] == UInt8(ascii: "\n") {
            return i + 2
        }
        return nil
    }

    /// `X-Request-Id: <uuid>\r\n` (a version 4 UUID, RFC 9562 §5.4, from the loop's generator:
    /// IDs need to be unique, not secret) and the UUID alone.
    static func make(allocator: ByteBufferAllocator, random: inout SeededRandom) -> (field: ByteBuffer, id: ByteBuffer) {
        let high = (random.next() & ~0xF000) | 0x4000  // version 4
        let low = (random.next() & ~(0xC000 << 48)) | (0x8000 << 48)  // variant 10
        var field = allocator.buffer(capacity: 52)
        field.writeStaticString("X-Request-Id: ")
        let start = field.writerIndex
        // 8-4-4 from the high word, 4-12 from the low one.
        for i in 0..<32 {
            if i == 8 || i == 12 || i == 16 || i == 20 { field.writeInteger(UInt8(ascii: "-")) }
            let word = i < 16 ? high : low
            let nibble = (word >> UInt64(60 - 4 * (i % 16))) & 0xF
            field.writeInteger(hex[Int(nibble)])
        }
        let id = field.getSlice(at: start, length: field.writerIndex - start)!
        field.writeStaticString("\r\n")
        return (field, id)
    }

    private static let hex: [UInt8] = Array("0123456789abcdef".utf8)
}
