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
    /// - Parameter watching: a lower-case field name whose value's offsets to return (`hash_on`).
    /// - Throws: the first rule the head breaks.
    public static func parseRequest(_ p: UnsafeRawBufferPointer, end: Int,
                                    watching: [UInt8] = []) throws(HTTP1Violation) -> RequestHead {
        var head = RequestHead()
        head.length = end
        // method SP request-target SP HTTP-version CRLF (RFC 9112 §3)
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

        try checkTargetForm(p, head.targetStart, head.targetEnd)
        var fields = FramingFields(isRequest: true)
        head.watchedValue = try fields.read(p, from: i + 2, end: end, watching: watching)
        head.hasClientCertHeader = fields.hasClientCert
        head.connection = fields.connection
        head.hasUpgradeHeader = fields.hasUpgrade
        head.hasHopByHopHeader = fields.hasHopByHop
        if fields.transferEncoding {
            guard !head.isHTTP10 else { throw .transferEncodingInHTTP10 }
            guard fields.contentLength == nil else { throw .contentLengthWithTransferEncoding }
            try fields.checkCodings()
            guard fields.lastIsChunked else { throw .chunkedNotFinal }
            head.framing = .chunked
        } else if let length = fields.contentLength, length > 0 {
            head.framing = .length(length)
        }
        guard fields.hosts == 1 || (head.isHTTP10 && fields.hosts == 0) else { throw .host }
        return head
    }

    // MARK: Responses

    /// Reads the response head in `p[0..<end]`.
    public static func parseResponse(_ p: UnsafeRawBufferPointer, end: Int) throws(HTTP1Violation) -> ResponseHead {
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

        var fields = FramingFields(isRequest: false)
        _ = try fields.read(p, from: i + 2, end: end, watching: [])
        head.connection = fields.connection
        head.hasHopByHopHeader = fields.hasHopByHop
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

    /// One of the request-target forms of RFC 9112 §3.2: origin-form (`/…`), asterisk-form (`*`),
    /// or absolute- and authority-form, which start with a scheme or host name and a colon.
    static func checkTargetForm(_ p: UnsafeRawBufferPointer, _ start: Int, _ end: Int) throws(HTTP1Violation) {
        let first = p[start]
        if first == UInt8(ascii: "/") { return }
        if first == UInt8(ascii: "*") {
            guard end - start == 1 else { throw .requestTarget }
            return
        }
        // scheme = ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ) (RFC 3986 §3.1); a host name of an
        // authority-form target has the same start.
        guard HTTP1Grammar.lower(first) &- 0x61 < 26 else { throw .requestTarget }
        var i = start + 1
        while i < end {
            let b = p[i]
            if b == UInt8(ascii: ":") { return }
            guard HTTP1Grammar.lower(b) &- 0x61 < 26 || b &- 0x30 < 10 || b == 0x2B || b == 0x2D || b == 0x2E else {
                throw .requestTarget
            }
            i += 1
        }
        throw .requestTarget
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
