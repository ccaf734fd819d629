#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The field lines of a head, checked byte by byte, and what the fields that frame, route or hop
/// say: Content-Length, Transfer-Encoding, Connection, Host, Upgrade, Keep-Alive. One pass, in place.
struct FramingFields {
    var contentLength: Int?
    var transferEncoding = false
    /// Transfer codings listed so far, over every Transfer-Encoding line (RFC 9110 §5.3 joins them).
    var codings = 0
    var chunkedCount = 0
    var lastIsChunked = false
    var connection = ConnectionTokens()
    var hasHopByHop = false
    /// `X-Forwarded-Client-Cert`: only the proxy that checked a client certificate may set it.
    var hasClientCert = false
    var hasUpgrade = false
    /// `Upgrade` offers `h2c`: RFC 9113 §3.1 deprecates it, and through a proxy it opens an
    /// HTTP/2 connection to the origin that the proxy no longer reads (h2c smuggling).
    var upgradeOffersH2C = false
    var hosts = 0
    /// The value of the last Host field.
    var host = 0..<0
    /// Host values are checked in requests only: in a response the field means nothing.
    let isRequest: Bool
    /// Field lines allowed (`HTTP1Limits.maxFields`).
    let maxFields: Int

    init(isRequest: Bool, maxFields: Int = HTTP1Limits().maxFields) {
        self.isRequest = isRequest
        self.maxFields = maxFields
    }

    typealias Grammar = HTTP1Grammar
    typealias Parser = HTTP1HeadParser

    /// Reads every field line from `from` to the empty line that ends at `end`.
    /// - Returns: the value offsets of the last field named `watching`, if any.
    mutating func read(_ p: UnsafeRawBufferPointer, from: Int, end: Int,
                       watching: [UInt8]) throws(HTTP1Violation) -> Range<Int>? {
        // A field line takes at least 4 bytes ("a:" CRLF): only a head that long can have too
        // many, and only then are its lines counted (a check per line costs the common head).
        if end - from > maxFields &* 4 &+ 2 { try Self.countLines(p, from: from, end: end, max: maxFields) }
        var watched: Range<Int>?
        var i = from
        while true {
            guard i < end else { throw .bareLineFeed }
            let first = p[i]
            if first == Parser.cr {
                guard i + 1 < end, p[i + 1] == Parser.lf else { throw .bareCarriageReturn }
                return watched
            }
            if first == Parser.lf { throw .bareLineFeed }
            if Grammar.isWhitespace(first) { throw .obsoleteLineFolding }
            // field-name ":" OWS field-value OWS (RFC 9112 §5)
            let n0 = i
            i = WordScan.tokenEnd(p, from: i, end: end)
            guard i < end, p[i] == UInt8(ascii: ":"), i > n0 else { throw Self.nameError(p, i, end) }
            let n1 = i
            i += 1
            while i < end, Grammar.isWhitespace(p[i]) { i += 1 }
            let v0 = i
            i = WordScan.fieldValueEnd(p, from: i, end: end)
            guard i + 1 < end, p[i] == Parser.cr, p[i + 1] == Parser.lf else { throw Self.valueError(p, i, end) }
            var v1 = i
            while v1 > v0, Grammar.isWhitespace(p[v1 - 1]) { v1 -= 1 }
            try field(p, n0, n1, v0, v1, after: v0..<i)
            if !watching.isEmpty, n1 - n0 == watching.count, Parser.equalsLower(p, n0, watching) {
                watched = v0..<v1
            }
            i += 2
        }
    }

    /// Throws when `p[from..<end]` has more than `max` field lines (LFs, less the blank line's).
    static func countLines(_ p: UnsafeRawBufferPointer, from: Int, end: Int, max: Int) throws(HTTP1Violation) {
        guard let base = p.baseAddress else { return }
        var i = from
        var lines = -1
        while i < end, let hit = memchr(base + i, 0x0A, end - i) {
            lines += 1
            guard lines <= max else { throw .tooManyFields }
            i = base.distance(to: UnsafeRawPointer(hit)) + 1
        }
    }

    /// Acts on one field if it is one of ours. `after` is the value with the whitespace after it.
    @inline(__always)
    mutating func field(_ p: UnsafeRawBufferPointer, _ n0: Int, _ n1: Int, _ v0: Int, _ v1: Int,
                        after: Range<Int>) throws(HTTP1Violation) {
        switch n1 - n0 {
        case 4 where Parser.equalsLower(p, n0, "host"):
            hosts += 1
            host = v0..<v1
            if isRequest { for i in v0..<v1 where !Grammar.isHostChar(p[i]) { throw .host } }
        case 7 where Parser.equalsLower(p, n0, "upgrade"):
            hasUpgrade = true
            if isRequest, Self.listContains(p, v0, v1, "h2c") { upgradeOffersH2C = true }
        case 10 where Parser.equalsLower(p, n0, "connection"):
            readConnection(p, v0, v1)
        case 10 where Parser.equalsLower(p, n0, "keep-alive"), 16 where Parser.equalsLower(p, n0, "proxy-connection"):
            hasHopByHop = true
        case 23 where Parser.equalsLower(p, n0, "x-forwarded-client-cert"):
            hasClientCert = true
        case 14 where Parser.equalsLower(p, n0, "content-length"):
            guard contentLength == nil else { throw .repeatedContentLength }
            guard !Self.hasTab(p, after) else { throw .contentLength }
            contentLength = try Self.length(p, v0, v1)
        case 17 where Parser.equalsLower(p, n0, "transfer-encoding"):
            transferEncoding = true
            // An empty line joins the list as an empty element (RFC 9110 §5.3): a next hop that
            // keeps it reads `chunked, ` as ending in another coding, and the body as a request.
            guard v1 > v0, !Self.hasTab(p, after) else { throw .transferEncoding }
            try readCodings(p, v0, v1)
        default:
            break
        }
    }

    /// What RFC 9112 §6.1 and §7 ask of the whole Transfer-Encoding list.
    func checkCodings() throws(HTTP1Violation) {
        guard codings > 0 else { throw .transferEncoding }
        guard chunkedCount <= 1 else { throw .chunkedMisused }
    }

    // MARK: Values

    /// `Content-Length = 1*DIGIT` (RFC 9110 §8.6); a value past 2^62 is refused, not wrapped.
    static func length(_ p: UnsafeRawBufferPointer, _ v0: Int, _ v1: Int) throws(HTTP1Violation) -> Int {
        guard v1 > v0 else { throw .contentLength }
        var value = 0
        for i in v0..<v1 {
            let d = p[i] &- 0x30
            guard d < 10, value < 1 << 58 else { throw .contentLength }
            value = value * 10 + Int(d)
        }
        return value
    }

    /// `transfer-coding *( OWS "," OWS transfer-coding )`, each `token *( OWS ";" OWS parameter )`.
    /// RFC 9110 §5.6.1 asks a recipient to skip empty elements, but the bytes go on as they came and
    /// a next hop that does not skip them reads `chunked,` as another coding and the body as the
    /// next request: an empty element is refused.
    mutating func readCodings(_ p: UnsafeRawBufferPointer, _ v0: Int, _ v1: Int) throws(HTTP1Violation) {
        var i = v0
        while i < v1 {
            if i > v0 {
                i += 1  // the comma
                while i < v1, Grammar.isWhitespace(p[i]) { i += 1 }
            }
            guard i < v1 else { throw .transferEncoding }
            let name = i
            while i < v1, Grammar.isTokenChar(p[i]) { i += 1 }
            guard i > name else { throw .transferEncoding }
            let isChunked = i - name == 7 && Parser.equalsLower(p, name, "chunked")
            while i < v1, Grammar.isWhitespace(p[i]) { i += 1 }
            var hasParameters = false
            if i < v1, p[i] == UInt8(ascii: ";") {
                hasParameters = true
                while i < v1, p[i] != UInt8(ascii: ",") { i += 1 }
            } else if i < v1, p[i] != UInt8(ascii: ",") {
                throw .transferEncoding
            }
            if isChunked {
                guard !hasParameters else { throw .chunkedMisused }
                chunkedCount += 1
            }
            codings += 1
            lastIsChunked = isChunked
        }
    }

    /// `Connection = #connection-option` (RFC 9110 §7.6.1).
    mutating func readConnection(_ p: UnsafeRawBufferPointer, _ v0: Int, _ v1: Int) {
        Self.forEachElement(p, v0, v1) { a, b in
            switch b - a {
            case 0: break
            case 5 where Parser.equalsLower(p, a, "close"): connection.close = true
            case 10 where Parser.equalsLower(p, a, "keep-alive"): connection.keepAlive = true
            case 7 where Parser.equalsLower(p, a, "upgrade"): connection.upgrade = true
            default: connection.other = true
            }
            return true
        }
    }

    /// Whether the comma-separated list in `p[v0..<v1]` has `word` (lower case) as an element,
    /// ignoring case and OWS (RFC 9110 §5.6.1).
    static func listContains(_ p: UnsafeRawBufferPointer, _ v0: Int, _ v1: Int, _ word: StaticString) -> Bool {
        var found = false
        forEachElement(p, v0, v1) { a, b in
            found = b - a == word.utf8CodeUnitCount && Parser.equalsLower(p, a, word)
            return !found
        }
        return found
    }

    /// Each element `a..<b` of the comma-separated list in `p[v0..<v1]`, OWS trimmed (RFC 9110
    /// §5.6.1), until `body` says stop (false).
    @inline(__always)
    static func forEachElement(_ p: UnsafeRawBufferPointer, _ v0: Int, _ v1: Int, _ body: (Int, Int) -> Bool) {
        var start = v0
        while start < v1 {
            var comma = start
            while comma < v1, p[comma] != UInt8(ascii: ",") { comma += 1 }
            var a = start
            var b = comma
            while a < b, Grammar.isWhitespace(p[a]) { a += 1 }
            while b > a, Grammar.isWhitespace(p[b - 1]) { b -= 1 }
            guard body(a, b) else { return }
            start = comma + 1
        }
    }

    /// HTAB is OWS (RFC 9110 §5.6.3), but next hops that trim only SP read `chunked\t` as another
    /// coding; as the bytes go on unchanged, the fields that frame a message may not have one in
    /// or after their value (llhttp refuses it there too).
    static func hasTab(_ p: UnsafeRawBufferPointer, _ range: Range<Int>) -> Bool {
        for i in range where p[i] == 0x09 { return true }
        return false
    }

    // MARK: Errors

    static func nameError(_ p: UnsafeRawBufferPointer, _ i: Int, _ end: Int) -> HTTP1Violation {
        var j = i
        while j < end, Grammar.isWhitespace(p[j]) { j += 1 }
        if j > i, j < end, p[j] == UInt8(ascii: ":") { return .whitespaceBeforeColon }
        return valueError(p, i, end, or: .fieldName)
    }

    static func valueError(_ p: UnsafeRawBufferPointer, _ i: Int, _ end: Int, or fallback: HTTP1Violation = .fieldValue) -> HTTP1Violation {
        guard i < end else { return .bareLineFeed }
        if p[i] == Parser.lf { return .bareLineFeed }
        if p[i] == Parser.cr, !(i + 1 < end && p[i + 1] == Parser.lf) { return .bareCarriageReturn }
        return fallback
    }
}
