public import NIOCore

/// Where the body of the message in transit ends, whatever its framing (RFC 9112 §6.3), handed on
/// as slices of the bytes read: no copy.
public struct BodyReader: Sendable {
    private enum Mode: Sendable { case none, length(Int), chunked(ChunkedBodyReader), untilClose }
    private var mode: Mode

    public init(_ framing: BodyFraming, limits: HTTP1Limits = HTTP1Limits()) {
        switch framing {
        case .none: mode = .none
        case .length(let n): mode = n > 0 ? .length(n) : .none
        case .chunked: mode = .chunked(ChunkedBodyReader(limits: limits))
        case .untilClose: mode = .untilClose
        }
    }

    /// The whole body has gone by (a body that runs until close never is).
    public var isDone: Bool {
        if case .none = mode { return true }
        return false
    }

    public var isUntilClose: Bool {
        if case .untilClose = mode { return true }
        return false
    }

    /// Takes the next body bytes off the front of `buffer`, as a slice; nil when there are none.
    /// - Throws: the rule a chunked body broke; nothing of the offending bytes is taken.
    public mutating func take(from buffer: inout ByteBuffer) throws(HTTP1Violation) -> ByteBuffer? {
        let available = buffer.readableBytes
        guard available > 0 else { return nil }
        switch mode {
        case .none:
            return nil
        case .length(let left):
            let n = min(left, available)
            mode = left == n ? .none : .length(left - n)
            return buffer.readSlice(length: n)
        case .chunked(var reader):
            let result = buffer.withUnsafeReadableBytes { p in Result { () throws(HTTP1Violation) in try reader.read(p) } }
            let n = try result.get()
            mode = reader.isDone ? .none : .chunked(reader)
            return n > 0 ? buffer.readSlice(length: n) : nil
        case .untilClose:
            return buffer.readSlice(length: available)
        }
    }
}
