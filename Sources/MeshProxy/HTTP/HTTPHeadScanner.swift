#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import MeshCore

/// Finds and reads HTTP/1.x heads in place, on the bytes as they arrived: no copy, no allocation.
/// Only the headers the proxy acts on are looked at; everything else is forwarded untouched.
enum HTTPHeadScanner {
    // MARK: Finding the end

    /// Offset just past the blank line that ends the head, or nil when it has not arrived yet.
    /// `from` resumes a previous search; bytes before it are still looked back at.
    static func findEnd(_ p: UnsafeRawBufferPointer, from: Int) -> Int? {
        guard let base = p.baseAddress else { return nil }
        var i = from
        let n = p.count
        while i < n {
            guard let hit = memchr(base + i, 0x0A, n - i) else { return nil }
            let j = base.distance(to: UnsafeRawPointer(hit))
            if j >= 1, p[j - 1] == 0x0A { return j + 1 }
            if j >= 2, p[j - 1] == 0x0D, p[j - 2] == 0x0A { return j + 1 }
            i = j + 1
        }
        return nil
    }

    // MARK: Requests

    static func scanRequest(_ p: UnsafeRawBufferPointer, end: Int, hash rule: HashRule) throws(HeadError) -> RequestHead {
        var head = RequestHead()
        head.length = end
        let lineEnd = try nextLine(p, from: 0, end: end)
        let line = trimCR(p, 0, lineEnd)
        // method SP target SP version
        guard let sp1 = find(p, 0x20, 0, line), sp1 > 0 else { throw .badRequest }
        guard let sp2 = find(p, 0x20, sp1 + 1, line), sp2 > sp1 + 1 else { throw .badRequest }
        head.method = method(p, 0, sp1)
        guard line - sp2 - 1 == 8, matches(p, sp2 + 1, "HTTP/1.") else {
            if line - sp2 - 1 == 8, matches(p, sp2 + 1, "HTTP/") { throw .versionNotSupported }
            throw .badRequest
        }
        switch p[sp2 + 8] {
        case UInt8(ascii: "1"): head.isHTTP10 = false
        case UInt8(ascii: "0"): head.isHTTP10 = true
        default: throw .versionNotSupported
        }
        if rule.kind == .path {
            let q = find(p, UInt8(ascii: "?"), sp1 + 1, sp2) ?? sp2
            head.hash = hashBytes(p, sp1 + 1, q)
        }

        var common = CommonHeaders()
        try forEachHeader(p, from: lineEnd + 1, end: end) { (n0, n1, v0, v1) throws(HeadError) in
            if try !common.read(p, n0, n1, v0, v1), n1 - n0 == 7, equalsLower(p, n0, "upgrade") {
                head.hasUpgradeHeader = true
            }
            if rule.kind == .header, n1 - n0 == rule.name.count, equalsLower(p, n0, rule.name) {
                head.hash = hashBytes(p, v0, v1)
            }
        }
        head.connection = common.connection
        head.hasHopByHopHeader = common.hasHopByHopHeader
        // A request with both is a smuggling attempt or a broken client: refuse it.
        if common.transferEncoding {
            guard common.chunkedLast, common.contentLength == nil else { throw .badRequest }
            head.framing = .chunked
        } else if let length = common.contentLength, length > 0 {
            head.framing = .length(length)
        }
        return head
    }

    // MARK: Responses

    static func scanResponse(_ p: UnsafeRawBufferPointer, end: Int) throws(HeadError) -> ResponseHead {
        var head = ResponseHead()
        head.length = end
        let lineEnd = try nextLine(p, from: 0, end: end)
        let line = trimCR(p, 0, lineEnd)
        guard line >= 12, matches(p, 0, "HTTP/1."), p[8] == 0x20 else { throw .badRequest }
        head.isHTTP10 = p[7] == UInt8(ascii: "0")
        var status = 0
        for i in 9..<12 {
            let d = p[i] &- 0x30
            guard d < 10 else { throw .badRequest }
            status = status * 10 + Int(d)
        }
        head.status = status
        var common = CommonHeaders()
        try forEachHeader(p, from: lineEnd + 1, end: end) { (n0, n1, v0, v1) throws(HeadError) in
            _ = try common.read(p, n0, n1, v0, v1)
        }
        head.connection = common.connection
        head.hasHopByHopHeader = common.hasHopByHopHeader
        if common.transferEncoding {
            head.framing = common.chunkedLast ? .chunked : .untilClose
        } else if let length = common.contentLength {
            head.framing = length == 0 ? .none : .length(length)
        }
        return head
    }

    // MARK: Lines and headers

    /// Calls `body(nameStart, nameEnd, valueStart, valueEnd)` for each header line before `end`.
    @inline(__always)
    static func forEachHeader(_ p: UnsafeRawBufferPointer, from: Int, end: Int,
                              _ body: (Int, Int, Int, Int) throws(HeadError) -> Void) throws(HeadError) {
        var pos = from
        while pos < end {
            let nl = try nextLine(p, from: pos, end: end)
            let lineEnd = trimCR(p, pos, nl)
            if lineEnd == pos { return }
            // Obsolete line folding is refused, as RFC 9112 allows.
            guard p[pos] != 0x20, p[pos] != 0x09 else { throw .badRequest }
            guard let colon = find(p, UInt8(ascii: ":"), pos, lineEnd), colon > pos,
                  p[colon - 1] != 0x20, p[colon - 1] != 0x09 else { throw .badRequest }
            var v0 = colon + 1
            var v1 = lineEnd
            while v0 < v1, p[v0] == 0x20 || p[v0] == 0x09 { v0 += 1 }
            while v1 > v0, p[v1 - 1] == 0x20 || p[v1 - 1] == 0x09 { v1 -= 1 }
            try body(pos, colon, v0, v1)
            pos = nl + 1
        }
    }

    /// Offset of the next `\n` at or after `from`.
    @inline(__always)
    static func nextLine(_ p: UnsafeRawBufferPointer, from: Int, end: Int) throws(HeadError) -> Int {
        guard let i = find(p, 0x0A, from, end) else { throw .badRequest }
        return i
    }

    @inline(__always)
    static func trimCR(_ p: UnsafeRawBufferPointer, _ start: Int, _ nl: Int) -> Int {
        nl > start && p[nl - 1] == 0x0D ? nl - 1 : nl
    }

    @inline(__always)
    static func find(_ p: UnsafeRawBufferPointer, _ byte: UInt8, _ from: Int, _ end: Int) -> Int? {
        guard from < end, let base = p.baseAddress, let hit = memchr(base + from, Int32(byte), end - from) else {
            return nil
        }
        return base.distance(to: UnsafeRawPointer(hit))
    }

    // MARK: Values

    @inline(__always)
    static func lower(_ b: UInt8) -> UInt8 { b &- 65 < 26 ? b | 0x20 : b }

    static func equalsLower(_ p: UnsafeRawBufferPointer, _ at: Int, _ word: StaticString) -> Bool {
        let count = word.utf8CodeUnitCount
        guard at + count <= p.count else { return false }
        let w = word.utf8Start
        for i in 0..<count where lower(p[at + i]) != w[i] { return false }
        return true
    }

    static func equalsLower(_ p: UnsafeRawBufferPointer, _ at: Int, _ word: [UInt8]) -> Bool {
        guard at + word.count <= p.count else { return false }
        for i in 0..<word.count where lower(p[at + i]) != word[i] { return false }
        return true
    }

    static func matches(_ p: UnsafeRawBufferPointer, _ at: Int, _ word: StaticString) -> Bool {
        let count = word.utf8CodeUnitCount
        guard at + count <= p.count else { return false }
        let w = word.utf8Start
        for i in 0..<count where p[at + i] != w[i] { return false }
        return true
    }

    static func parseLength(_ p: UnsafeRawBufferPointer, _ v0: Int, _ v1: Int) throws(HeadError) -> Int {
        guard v1 > v0, v1 - v0 <= 18 else { throw .badRequest }
        var value = 0
        for i in v0..<v1 {
            let d = p[i] &- 0x30
            guard d < 10 else { throw .badRequest }
            value = value * 10 + Int(d)
        }
        return value
    }

    static func lastTokenIsChunked(_ p: UnsafeRawBufferPointer, _ v0: Int, _ v1: Int) -> Bool {
        var start = v0
        var i = v1
        while i > v0 { if p[i - 1] == UInt8(ascii: ",") { start = i; break }; i -= 1 }
        while start < v1, p[start] == 0x20 || p[start] == 0x09 { start += 1 }
        return v1 - start == 7 && equalsLower(p, start, "chunked")
    }

    static func readConnection(_ p: UnsafeRawBufferPointer, _ v0: Int, _ v1: Int, into tokens: inout ConnectionTokens) {
        var start = v0
        while start < v1 {
            let comma = find(p, UInt8(ascii: ","), start, v1) ?? v1
            var a = start
            var b = comma
            while a < b, p[a] == 0x20 || p[a] == 0x09 { a += 1 }
            while b > a, p[b - 1] == 0x20 || p[b - 1] == 0x09 { b -= 1 }
            switch b - a {
            case 0: break
            case 5 where equalsLower(p, a, "close"): tokens.close = true
            case 10 where equalsLower(p, a, "keep-alive"): tokens.keepAlive = true
            case 7 where equalsLower(p, a, "upgrade"): tokens.upgrade = true
            default: tokens.other = true
            }
            start = comma + 1
        }
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

    /// `StableHash.hash` of the bytes, written out so that it runs on the raw pointer unspecialised-free.
    @inline(__always)
    static func hashBytes(_ p: UnsafeRawBufferPointer, _ start: Int, _ end: Int) -> UInt64 {
        var h: UInt64 = 0xCBF2_9CE4_8422_2325
        for i in start..<end {
            h ^= UInt64(p[i])
            h &*= 0x0000_0100_0000_01B3
        }
        return StableHash.mix(h)
    }
}
