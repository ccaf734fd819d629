#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads HTTP/1 heads in place, on the bytes as they arrived: every byte is checked against the
/// grammar of RFC 9112 and RFC 9110 (`HTTP1Violation` lists the rules), and the fields that frame,
/// route or hop (Content-Length, Transfer-Encoding, Connection, Host, Upgrade) are read. No copy,
/// no allocation: the well-formed message goes on as the bytes it came as.
public enum HTTP1HeadParser {
    static let cr: UInt8 = 0x0D
    static let lf: UInt8 = 0x0A
    static let sp: UInt8 = 0x20

    // MARK: Finding the end

    /// Offset just past the empty line that ends the head, or nil when it has not arrived yet.
    /// `from` resumes an earlier search. A head ended by a bare LF is found too, and then refused
    /// by the parse. (libc's vectorised `memchr` from line to line beats a word-at-a-time scan.)
    public static func findEnd(_ p: UnsafeRawBufferPointer, from: Int) -> Int? {
        guard let base = p.baseAddress else { return nil }
        var i = max(0, from - 3)
        let n = p.count
        while i < n {
            guard let hit = memchr(base + i, 0x0A, n - i) else { return nil }
            let j = base.distance(to: UnsafeRawPointer(hit))
            if j >= 1, p[j - 1] == lf { return j + 1 }
            if j >= 2, p[j - 1] == cr, p[j - 2] == lf { return j + 1 }
            i = j + 1
        }
        return nil
    }

    // MARK: Requests

    /// Reads the request head in `p[0..<end]` (`end` from `findEnd`).
    /// - Parameters:
    ///   - watching: a lower-case field name whose value's offsets to return (`hash_on`).
    ///   - maxFields: field lines allowed (`HTTP1Limits.maxFields`).
    /// - Throws: the first rule the head breaks.
    public static func parseRequest(_ p: UnsafeRawBufferPointer, end: Int, watching: [UInt8] = [],
                                    maxFields: Int = HTTP1Limits().maxFields) throws(HTTP1Violation) -> RequestHead {
        var head = RequestHead()
        head.length = end
        let i = try parseRequestLine(p, end: end, into: &head)
        var fields = FramingFields(isRequest: true, maxFields: maxFields)
        head.watchedValue = try fields.read(p, from: i, end: end, watching: watching)
        head.hasClientCertHeader = fields.hasClientCert
        head.connection = fields.connection
        head.hasUpgradeHeader = fields.hasUpgrade
        head.hasHopByHopHeader = fields.hasHopByHop
        if fields.transferEncoding {
            guard !head.isHTTP10 else { throw .transferEncodingInHTTP10 }
            guard fields.contentLength == nil else { throw .contentLengthWithTransferEncoding }
            try fields.checkCodings()
            guard fields.lastIsChunked else { throw .chunkedNotFinal }
            guard fields.codings == 1 else { throw .transferCodingNotImplemented }
            head.framing = .chunked
        } else if let length = fields.contentLength, length > 0 {
            head.framing = .length(length)
        }
        guard fields.hosts == 1 || (head.isHTTP10 && fields.hosts == 0) else { throw .host }
        if p[head.targetStart] != UInt8(ascii: "/"), let authority = try targetAuthority(p, head, end: end), fields.hosts == 1 {
            guard sameAuthority(p, authority, fields.host, defaultPort: defaultPort(p, head.targetStart)) else { throw .host }
        }
        // RFC 9110 §7.8: an HTTP/1.0 server ignores Upgrade. One with a body is refused as an
        // upgrade (HAProxy does too): after a 101 the origin would read the rest of the body as
        // the new protocol, the proxy as the old. h2c: see `FramingFields.upgradeOffersH2C`.
        head.isUpgrade = head.connection.upgrade && fields.hasUpgrade && !head.isHTTP10 && head.framing == .none
            && !fields.upgradeOffersH2C
        return head
    }

    /// Checks a request line that has arrived before the rest of its head (so that a malformed
    /// one, an HTTP/0.9 request say, is refused at once instead of waiting for a blank line).
    /// `lineEnd` is the offset of its LF.
    public static func checkRequestLine(_ p: UnsafeRawBufferPointer, lineEnd: Int) throws(HTTP1Violation) {
        var head = RequestHead()
        _ = try parseRequestLine(p, end: lineEnd + 1, into: &head)
    }

    /// `method SP request-target SP HTTP-version CRLF` (RFC 9112 §3): the offset after its CRLF.
    static func parseRequestLine(_ p: UnsafeRawBufferPointer, end: Int, into head: inout RequestHead) throws(HTTP1Violation) -> Int {
        var i = 0
        while i < end, HTTP1Grammar.isTokenChar(p[i]) { i += 1 }
        guard i > 0, i < end, p[i] == sp else {
            if i < end, p[i] > sp, p[i] < 0x7F { throw .method }
            throw lineError(p, i, end, or: .requestLine)
        }
        head.method = method(p, 0, i)
        i += 1
        head.targetStart = i
        i = WordScan.targetEnd(p, from: i, end: end)
        head.targetEnd = i
        guard i < end, p[i] == sp, i > head.targetStart else { throw lineError(p, i, end, or: .requestTarget) }
        i += 1
        head.isHTTP10 = try version(p, at: i, end: end)
        i += 8
        guard i + 1 < end, p[i] == cr, p[i + 1] == lf else { throw lineError(p, i, end, or: .requestLine) }
        try checkTargetForm(p, head)
        return i + 2
    }

    // MARK: Responses

    /// Reads the response head in `p[0..<end]`.
    public static func parseResponse(_ p: UnsafeRawBufferPointer, end: Int,
                                     maxFields: Int = HTTP1Limits().maxFields) throws(HTTP1Violation) -> ResponseHead {
        var head = ResponseHead()
        head.length = end
        // HTTP-version SP status-code SP reason-phrase CRLF (RFC 9112 §4)
        head.isHTTP10 = try version(p, at: 0, end: end)
        guard end > 12, p[8] == sp else { throw .statusLine }
        var status = 0
        for i in 9..<12 {
            let d = p[i] &- 0x30
            guard d < 10 else { throw .statusLine }
            status = status * 10 + Int(d)
        }
        guard (100...599).contains(status) else { throw .statusCode }
        head.status = status
        var i = 12
        // The reason phrase, SP included, may be absent: llhttp and most clients accept
        // "HTTP/1.1 200" and it cannot change the framing.
        if p[i] == sp {
            i += 1
            i = WordScan.fieldValueEnd(p, from: i, end: end)
        }
        guard i + 1 < end, p[i] == cr, p[i + 1] == lf else { throw lineError(p, i, end, or: .statusLine) }

        var fields = FramingFields(isRequest: false, maxFields: maxFields)
        _ = try fields.read(p, from: i + 2, end: end, watching: [])
        head.connection = fields.connection
        head.hasHopByHopHeader = fields.hasHopByHop
        head.hasUpgradeHeader = fields.hasUpgrade
        head.hasFramingFields = fields.transferEncoding || fields.contentLength != nil
        head.contentLength = fields.contentLength ?? 0
        head.hasTransferEncoding = fields.transferEncoding
        if fields.transferEncoding {
            guard !head.isHTTP10 else { throw .transferEncodingInHTTP10 }
            try fields.checkCodings()
            // RFC 9112 §6.3 item 4: a response whose final coding is not chunked runs until close.
            head.framing = fields.lastIsChunked ? .chunked : .untilClose
            head.hasOverriddenContentLength = fields.contentLength != nil
        } else if let length = fields.contentLength {
            head.framing = length == 0 ? .none : .length(length)
        }
        return head
    }

    // MARK: Pieces

    /// `HTTP-version` at `i` (RFC 9112 §2.3): true for HTTP/1.0, false for HTTP/1.1.
    static func version(_ p: UnsafeRawBufferPointer, at i: Int, end: Int) throws(HTTP1Violation) -> Bool {
        guard i + 8 <= end, p[i] == 0x48, p[i + 1] == 0x54, p[i + 2] == 0x54, p[i + 3] == 0x50, p[i + 4] == 0x2F,
              p[i + 5] &- 0x30 < 10, p[i + 6] == 0x2E, p[i + 7] &- 0x30 < 10 else {
            throw i == 0 ? .statusLine : .requestLine
        }
        guard p[i + 5] == 0x31, p[i + 7] == 0x31 || p[i + 7] == 0x30 else { throw .unsupportedVersion }
        return p[i + 7] == 0x30
    }

    /// One of the request-target forms of RFC 9112 §3.2, each where it may be used: origin-form
    /// (`/…`), absolute-form (`scheme://authority…`), authority-form for CONNECT only (§3.2.3),
    /// asterisk-form for OPTIONS only (§3.2.4). None has a fragment (`#`): RFC 3986 §4.3 leaves
    /// it out of an absolute-URI, and a next hop that cuts the path there routes elsewhere.
    static func checkTargetForm(_ p: UnsafeRawBufferPointer, _ head: RequestHead) throws(HTTP1Violation) {
        let start = head.targetStart, end = head.targetEnd
        guard let base = p.baseAddress, memchr(base + start, 0x23, end - start) == nil else { throw .requestTarget }
        let first = p[start]
        if first == UInt8(ascii: "/") { return }
        if first == UInt8(ascii: "*") {
            guard end - start == 1, head.method == .options else { throw .requestTarget }
            return
        }
        if head.method == .connect { return try checkAuthority(p, start, end) }
        // scheme = ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ) (RFC 3986 §3.1), then "//" authority.
        guard schemeEnd(p, start, end) != nil else { throw .requestTarget }
    }

    /// Offset of the ":" after a scheme followed by "//", or nil.
    static func schemeEnd(_ p: UnsafeRawBufferPointer, _ start: Int, _ end: Int) -> Int? {
        guard HTTP1Grammar.lower(p[start]) &- 0x61 < 26 else { return nil }
        var i = start + 1
        while i < end {
            let b = p[i]
            if b == UInt8(ascii: ":") {
                return i + 2 < end && p[i + 1] == UInt8(ascii: "/") && p[i + 2] == UInt8(ascii: "/") ? i : nil
            }
            guard HTTP1Grammar.lower(b) &- 0x61 < 26 || b &- 0x30 < 10 || b == 0x2B || b == 0x2D || b == 0x2E else { return nil }
            i += 1
        }
        return nil
    }

    /// `authority-form = uri-host ":" port` (RFC 9112 §3.2.3).
    static func checkAuthority(_ p: UnsafeRawBufferPointer, _ start: Int, _ end: Int) throws(HTTP1Violation) {
        for i in start..<end where !HTTP1Grammar.isHostChar(p[i]) { throw .requestTarget }
    }

    /// The authority of an absolute-form target, or nil for the other forms. A userinfo part is
    /// refused (RFC 9110 §4.2.4: deprecated, and a recipient SHOULD treat it as an error).
    static func targetAuthority(_ p: UnsafeRawBufferPointer, _ head: RequestHead, end: Int) throws(HTTP1Violation) -> Range<Int>? {
        guard head.method != .connect, let colon = schemeEnd(p, head.targetStart, head.targetEnd) else { return nil }
        let a0 = colon + 3
        var a1 = a0
        while a1 < head.targetEnd, p[a1] != UInt8(ascii: "/"), p[a1] != UInt8(ascii: "?") { a1 += 1 }
        for i in a0..<a1 where !HTTP1Grammar.isHostChar(p[i]) || p[i] == UInt8(ascii: "@") { throw .requestTarget }
        return a0..<a1
    }

    /// The port a scheme implies (80 for http, 443 for https), or nil.
    static func defaultPort(_ p: UnsafeRawBufferPointer, _ start: Int) -> StaticString? {
        if equalsLower(p, start, "http://") { return ":80" }
        if equalsLower(p, start, "https://") { return ":443" }
        return nil
    }

    /// Whether a target's authority and a Host value name the same host and port, ignoring case,
    /// an empty port, and the scheme's default port (RFC 3986 §6.2.3).
    static func sameAuthority(_ p: UnsafeRawBufferPointer, _ a: Range<Int>, _ b: Range<Int>, defaultPort: StaticString?) -> Bool {
        let a = normalized(p, a, defaultPort), b = normalized(p, b, defaultPort)
        guard a.count == b.count else { return false }
        for i in 0..<a.count where HTTP1Grammar.lower(p[a.lowerBound + i]) != HTTP1Grammar.lower(p[b.lowerBound + i]) { return false }
        return true
    }

    private static func normalized(_ p: UnsafeRawBufferPointer, _ r: Range<Int>, _ port: StaticString?) -> Range<Int> {
        if r.count > 0, p[r.upperBound - 1] == UInt8(ascii: ":") { return r.lowerBound..<(r.upperBound - 1) }
        if let port, r.count > port.utf8CodeUnitCount, matches(p, r.upperBound - port.utf8CodeUnitCount, port) {
            return r.lowerBound..<(r.upperBound - port.utf8CodeUnitCount)
        }
        return r
    }

    /// The rule a start line broke at `i`: a stray CR or LF, else `fallback`.
    static func lineError(_ p: UnsafeRawBufferPointer, _ i: Int, _ end: Int, or fallback: HTTP1Violation) -> HTTP1Violation {
        guard i < end else { return fallback }
        if p[i] == lf { return .bareLineFeed }
        if p[i] == cr { return i + 1 < end && p[i + 1] == lf ? .requestLine : .bareCarriageReturn }
        return fallback
    }

    static func method(_ p: UnsafeRawBufferPointer, _ start: Int, _ end: Int) -> MethodKind {
        switch end - start {
        case 3 where matches(p, start, "GET"): .get
        case 3 where matches(p, start, "PUT"): .put
        case 4 where matches(p, start, "HEAD"): .head
        case 4 where matches(p, start, "POST"): .post
        case 5 where matches(p, start, "TRACE"): .trace
        case 6 where matches(p, start, "DELETE"): .delete
        case 7 where matches(p, start, "OPTIONS"): .options
        case 7 where matches(p, start, "CONNECT"): .connect
        default: .other
        }
    }

    @inline(__always)
    static func matches(_ p: UnsafeRawBufferPointer, _ at: Int, _ word: StaticString) -> Bool {
        let count = word.utf8CodeUnitCount
        guard at + count <= p.count else { return false }
        let w = word.utf8Start
        for i in 0..<count where p[at + i] != w[i] { return false }
        return true
    }

    /// Case-insensitive comparison with a lower-case word of letters and "-" (see
    /// `WordScan.equalsLower` for the bytes it may be given).
    @inline(__always)
    static func equalsLower(_ p: UnsafeRawBufferPointer, _ at: Int, _ word: StaticString) -> Bool {
        let count = word.utf8CodeUnitCount
        guard at + count <= p.count else { return false }
        return WordScan.equalsLower(p, at, UnsafeRawPointer(word.utf8Start), count: count)
    }

    static func equalsLower(_ p: UnsafeRawBufferPointer, _ at: Int, _ word: [UInt8]) -> Bool {
        guard at + word.count <= p.count else { return false }
        for i in 0..<word.count where HTTP1Grammar.lower(p[at + i]) != word[i] { return false }
        return true
    }
}
