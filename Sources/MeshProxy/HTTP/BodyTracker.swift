import NIOCore

/// Where the body of the message in transit ends, whatever its framing.
struct BodyTracker: Sendable {
    private enum Mode { case none, length(Int), chunked(ChunkedBodyScanner), untilClose }
    private var mode: Mode

    init(_ framing: BodyFraming) {
        switch framing {
        case .none: mode = .none
        case .length(let n): mode = n > 0 ? .length(n) : .none
        case .chunked: mode = .chunked(ChunkedBodyScanner())
        case .untilClose: mode = .untilClose
        }
    }

    var isDone: Bool {
        if case .none = mode { return true }
        return false
    }

    var isUntilClose: Bool {
        if case .untilClose = mode { return true }
        return false
    }

    /// Takes the next body bytes off the front of `buffer` (as a slice, no copy); nil when none
    /// are there. `isDone` tells when the body is complete.
    mutating func take(from buffer: inout ByteBuffer) throws(HeadError) -> ByteBuffer? {
        let available = buffer.readableBytes
        guard available > 0 else { return nil }
        switch mode {
        case .none:
            return nil
        case .length(let left):
            let n = min(left, available)
            mode = left == n ? .none : .length(left - n)
            return buffer.readSlice(length: n)
        case .chunked(var scanner):
            let result = buffer.withUnsafeReadableBytes { p in Result { () throws(HeadError) in try scanner.scan(p) } }
            let n = try result.get()
            mode = scanner.isDone ? .none : .chunked(scanner)
            return n > 0 ? buffer.readSlice(length: n) : nil
        case .untilClose:
            return buffer.readSlice(length: available)
        }
    }
}
