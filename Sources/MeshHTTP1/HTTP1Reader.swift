public import NIOCore
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// One direction of an HTTP/1 connection — requests from a client, or responses from an origin —
/// read off the bytes as they arrive: heads are parsed in place and handed on as slices with what
/// they say, bodies as slices up to where they end. The bytes kept between reads are what has not
/// been handed on yet, never more than a head limit plus one read.
public struct HTTP1Reader: Sendable {
    public let limits: HTTP1Limits
    private var buffer = ByteBuffer()
    /// Where the search for the end of a head resumes.
    private var scanFrom = 0
    /// The request line of the head being received has been checked on its own.
    private var lineChecked = false
    public private(set) var body = BodyReader(.none)

    public init(limits: HTTP1Limits = HTTP1Limits()) { self.limits = limits }

    /// Bytes received and not handed on yet.
    public var bufferedBytes: Int { buffer.readableBytes }

    /// Adds bytes read from the connection; the first ones are kept as they are (no copy).
    public mutating func append(_ bytes: inout ByteBuffer) {
        if buffer.readableBytes == 0 {
            buffer = bytes
            return
        }
        if buffer.readerIndex > limits.maxHeadBytes { buffer.discardReadBytes() }
        buffer.writeBuffer(&bytes)
    }

    /// Lets go of the storage of past reads once everything has been handed on.
    public mutating func releaseIfEmpty() {
        if buffer.readableBytes == 0, buffer.capacity > 0 { buffer = ByteBuffer() }
    }

    /// Everything buffered (a tunnel after 101, a body that runs until close).
    public mutating func takeAll() -> ByteBuffer? {
        guard buffer.readableBytes > 0 else { return nil }
        return buffer.readSlice(length: buffer.readableBytes)
    }

    // MARK: Heads

    /// The next request head and its bytes; nil until all of it has arrived. Empty lines before it
    /// are skipped (RFC 9112 §2.2). Its body is read next.
    /// - Parameter watching: a lower-case field name whose value offsets to report.
    /// - Throws: the rule the head broke, or `.headTooLarge`.
    public mutating func readRequestHead(watching: [UInt8] = []) throws(HTTP1Violation) -> (RequestHead, ByteBuffer)? {
        while let b = buffer.getInteger(at: buffer.readerIndex, as: UInt8.self), b == 0x0D || b == 0x0A {
            buffer.moveReaderIndex(forwardBy: 1)
        }
        guard let end = try findEnd(request: true) else {
            try checkRequestLine()
            return nil
        }
        lineChecked = false
        let maxFields = limits.maxFields
        let result = buffer.withUnsafeReadableBytes { p in
            Result { () throws(HTTP1Violation) in try HTTP1HeadParser.parseRequest(p, end: end, watching: watching, maxFields: maxFields) }
        }
        let head = try result.get()
        body = BodyReader(head.framing, limits: limits)
        return (head, buffer.readSlice(length: end)!)
    }

    /// A request line that has all arrived is checked before the rest of its head does: a
    /// malformed one (an HTTP/0.9 request, say) gets its answer now, not after the head timeout.
    private mutating func checkRequestLine() throws(HTTP1Violation) {
        guard !lineChecked, buffer.readableBytes > 0 else { return }
        let result = buffer.withUnsafeReadableBytes { p in
            Result { () throws(HTTP1Violation) -> Bool in
                guard let lf = memchr(p.baseAddress!, 0x0A, p.count) else { return false }
                try HTTP1HeadParser.checkRequestLine(p, lineEnd: p.baseAddress!.distance(to: UnsafeRawPointer(lf)))
                return true
            }
        }
        lineChecked = try result.get()
    }

    /// The next response head and its bytes; nil until all of it has arrived. Its body (none for
    /// 1xx, 204, 304 and answers to HEAD) is read next.
    public mutating func readResponseHead(requestMethod: MethodKind) throws(HTTP1Violation) -> (ResponseHead, ByteBuffer)? {
        guard let (head, bytes, _) = try readResponse(requestMethod: requestMethod, wholeBody: false) else { return nil }
        return (head, bytes)
    }

    /// The next response head — with its body in the same slice when the body has a length and
    /// has all arrived (`whole`): the common answer then goes on as one write. Otherwise the body
    /// is read next.
    public mutating func readResponse(requestMethod: MethodKind,
                                      wholeBody: Bool = true) throws(HTTP1Violation) -> (ResponseHead, ByteBuffer, whole: Bool)? {
        guard let end = try findEnd(request: false) else { return nil }
        let maxFields = limits.maxFields
        let result = buffer.withUnsafeReadableBytes { p in
            Result { () throws(HTTP1Violation) in try HTTP1HeadParser.parseResponse(p, end: end, maxFields: maxFields) }
        }
        let head = try result.get()
        let framing = head.bodyFraming(requestMethod: requestMethod)
        if wholeBody, case .length(let n) = framing, buffer.readableBytes - end >= n {
            body = BodyReader(.none)
            return (head, buffer.readSlice(length: end + n)!, true)
        }
        body = BodyReader(framing, limits: limits)
        return (head, buffer.readSlice(length: end)!, framing == .none)
    }

    private mutating func findEnd(request: Bool) throws(HTTP1Violation) -> Int? {
        let from = scanFrom
        guard let end = buffer.withUnsafeReadableBytes({ HTTP1HeadParser.findEnd($0, from: from) }) else {
            scanFrom = buffer.readableBytes
            guard scanFrom <= limits.maxHeadBytes else { throw tooLarge(request: request) }
            return nil
        }
        scanFrom = 0
        guard end <= limits.maxHeadBytes else { throw tooLarge(request: request) }
        return end
    }

    /// 414 when the request line alone outgrows the head limit (RFC 9112 §3), else 431.
    private func tooLarge(request: Bool) -> HTTP1Violation {
        guard request else { return .headTooLarge }
        let limit = limits.maxHeadBytes
        let lineFits = buffer.withUnsafeReadableBytes { p in
            p.count > 0 && memchr(p.baseAddress!, 0x0A, min(p.count, limit)) != nil
        }
        return lineFits ? .headTooLarge : .uriTooLong
    }

    // MARK: Bodies

    /// The next slice of the current body; nil when none is buffered or the body has ended.
    @inline(__always)
    public mutating func readBody() throws(HTTP1Violation) -> ByteBuffer? {
        try body.take(from: &buffer)
    }

    public var bodyComplete: Bool { body.isDone }
}
