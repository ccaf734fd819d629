/// Follows a chunked body as it streams through (RFC 9112 §7.1), only to know where it ends and
/// that it is well formed: the bytes themselves go on unchanged. Resumable at any byte boundary.
///
///     chunked-body   = *chunk last-chunk trailer-section CRLF
///     chunk          = chunk-size [ chunk-ext ] CRLF chunk-data CRLF
///     chunk-size     = 1*HEXDIG
///     chunk-ext      = *( BWS ";" BWS chunk-ext-name [ BWS "=" BWS chunk-ext-val ] )
///     chunk-ext-val  = token / quoted-string
///     trailer-section = *( field-line CRLF )
public struct ChunkedBodyReader: Sendable {
    enum State: UInt8 {
        case size, sizeMore, extBWS, extNameStart, extName, extAfterName, extValueStart, extValue,
             extQuoted, extQuotedPair, extAfterValue, sizeLF, data, dataCR, dataLF,
             trailerStart, trailerName, trailerValue, trailerLF, finalLF, done
    }

    private var state = State.size
    private var size = 0
    /// Bytes of the current chunk-size line, or of the trailer section so far.
    private var lineBytes = 0
    /// While a trailer field name is read: its length so far, and which of `forbidden` it may
    /// still be (one bit each).
    private var nameLength = 0
    private var candidates: UInt8 = 0
    private let limits: HTTP1Limits

    public init(limits: HTTP1Limits = HTTP1Limits()) { self.limits = limits }

    public var isDone: Bool { state == .done }

    /// How many of `p`'s bytes belong to the body; fewer than `p.count` only once it has ended.
    /// - Throws: the rule the body broke; the bytes before it are not counted.
    public mutating func read(_ p: UnsafeRawBufferPointer) throws(HTTP1Violation) -> Int {
        var i = 0
        let n = p.count
        while i < n {
            if state == .data {
                let take = min(size, n - i)
                size -= take
                i += take
                if size == 0 { state = .dataCR }
                continue
            }
            if state == .done { return i }
            try step(p[i])
            i += 1
        }
        return i
    }

    /// One byte of a chunk-size line, the CRLF after data, or the trailer section.
    @inline(__always)
    private mutating func step(_ b: UInt8) throws(HTTP1Violation) {
        typealias G = HTTP1Grammar
        let cr: UInt8 = 0x0D, lf: UInt8 = 0x0A
        switch state {
        case .size, .sizeMore, .extBWS, .extNameStart, .extName, .extAfterName, .extValueStart,
             .extValue, .extQuoted, .extQuotedPair, .extAfterValue, .sizeLF:
            lineBytes += 1
            guard lineBytes <= limits.maxChunkLineBytes else { throw .chunkLineTooLong }
        case .trailerStart, .trailerName, .trailerValue, .trailerLF, .finalLF:
            lineBytes += 1
            guard lineBytes <= limits.maxHeadBytes else { throw .trailersTooLarge }
        case .data, .dataCR, .dataLF, .done:
            break
        }
        switch state {
        case .size:
            guard let d = G.hexValue(b) else { throw .chunkSize }
            size = d
            state = .sizeMore
        case .sizeMore:
            if let d = G.hexValue(b) {
                guard size < 1 << 58 else { throw .chunkSizeOverflow }
                size = size << 4 | d
            } else {
                try endOfItem(b, or: .chunkSize)
            }
        case .extBWS:
            // BWS only ever comes before ";" here: not before the CRLF.
            if b == UInt8(ascii: ";") { state = .extNameStart } else if !G.isWhitespace(b) { throw .chunkExtension }
        case .extNameStart:
            if G.isWhitespace(b) { break }
            guard G.isTokenChar(b) else { throw .chunkExtension }
            state = .extName
        case .extName:
            if G.isTokenChar(b) { break }
            if G.isWhitespace(b) { state = .extAfterName } else if b == UInt8(ascii: "=") { state = .extValueStart } else {
                try endOfItem(b, or: .chunkExtension)
            }
        case .extAfterName:
            if G.isWhitespace(b) { break }
            if b == UInt8(ascii: "=") { state = .extValueStart } else if b == UInt8(ascii: ";") { state = .extNameStart } else {
                throw .chunkExtension
            }
        case .extValueStart:
            if G.isWhitespace(b) { break }
            if b == UInt8(ascii: "\"") { state = .extQuoted } else if G.isTokenChar(b) { state = .extValue } else {
                throw .chunkExtension
            }
        case .extValue:
            if G.isTokenChar(b) { break }
            try endOfItem(b, or: .chunkExtension)
        case .extQuoted:
            // qdtext = HTAB / SP / %x21 / %x23-5B / %x5D-7E / obs-text (RFC 9110 §5.6.4)
            if b == UInt8(ascii: "\"") { state = .extAfterValue } else if b == UInt8(ascii: "\\") { state = .extQuotedPair } else {
                guard G.isFieldValueChar(b) else { throw b == cr ? .bareCarriageReturn : .chunkExtension }
            }
        case .extQuotedPair:
            guard G.isFieldValueChar(b) else { throw .chunkExtension }
            state = .extQuoted
        case .extAfterValue:
            try endOfItem(b, or: .chunkExtension)
        case .sizeLF:
            guard b == lf else { throw .bareCarriageReturn }
            lineBytes = 0
            state = size == 0 ? .trailerStart : .data
        case .dataCR:
            guard b == cr else { throw .chunkDataEnd }
            state = .dataLF
        case .dataLF:
            guard b == lf else { throw .chunkDataEnd }
            state = .size
            size = 0
        case .trailerStart:
            if b == cr { state = .finalLF } else if G.isTokenChar(b) {
                state = .trailerName
                nameLength = 0
                candidates = Self.allForbidden
                matchName(b)
            } else {
                throw b == lf ? .bareLineFeed : (G.isWhitespace(b) ? .obsoleteLineFolding : .trailerField)
            }
        case .trailerName:
            if b == UInt8(ascii: ":") {
                try endName()
                state = .trailerValue
            } else if G.isTokenChar(b) {
                matchName(b)
            } else {
                throw .trailerField
            }
        case .trailerValue:
            if b == cr { state = .trailerLF } else if !G.isFieldValueChar(b) { throw b == lf ? .bareLineFeed : .trailerField }
        case .trailerLF:
            guard b == lf else { throw .bareCarriageReturn }
            state = .trailerStart
        case .finalLF:
            guard b == lf else { throw .bareCarriageReturn }
            state = .done
        case .data, .done:
            break
        }
    }

    /// Fields a trailer may not carry (RFC 9110 §6.5.1): those that frame, route or hop.
    private static let forbidden: [StaticString] = ["content-length", "transfer-encoding", "host", "connection"]
    private static let allForbidden: UInt8 = 0b1111

    /// Narrows the forbidden names the trailer field name being read may still be.
    @inline(__always)
    private mutating func matchName(_ b: UInt8) {
        if candidates != 0 {
            let c = HTTP1Grammar.lower(b)
            for k in 0..<Self.forbidden.count where candidates & (1 << k) != 0 {
                let word = Self.forbidden[k]
                if nameLength >= word.utf8CodeUnitCount || word.utf8Start[nameLength] != c { candidates &= ~(1 << k) }
            }
        }
        nameLength += 1
    }

    private func endName() throws(HTTP1Violation) {
        for k in 0..<Self.forbidden.count where candidates & (1 << k) != 0 && Self.forbidden[k].utf8CodeUnitCount == nameLength {
            throw .trailerForbidden
        }
    }

    /// After a size, an extension name or value: ";" for another extension, the CR that ends the
    /// line, or BWS before a ";".
    @inline(__always)
    private mutating func endOfItem(_ b: UInt8, or violation: HTTP1Violation) throws(HTTP1Violation) {
        switch b {
        case 0x0D: state = .sizeLF
        case UInt8(ascii: ";"): state = .extNameStart
        case 0x20, 0x09: state = .extBWS
        case 0x0A: throw .bareLineFeed
        default: throw violation
        }
    }
}
