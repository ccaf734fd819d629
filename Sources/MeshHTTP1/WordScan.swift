/// Eight bytes per step ("SIMD within a register"): the head's longest runs — field names, field
/// values, request targets — are tested a word at a time, and read byte by byte
/// only from the first byte of interest on. Each test marks the high bit of exactly the bytes it
/// finds (Hacker's Delight §6-1, "find leftmost 0-byte": lanes reduced to 7 bits, so no sum
/// carries into the next); words are read little-endian, so the first byte is the lowest.
enum WordScan {
    static let ones: UInt64 = 0x0101_0101_0101_0101
    static let lows: UInt64 = 0x7F7F_7F7F_7F7F_7F7F
    static let highs: UInt64 = 0x8080_8080_8080_8080
    /// Bit 5 of every byte: set, it lowers an ASCII letter.
    static let lowering: UInt64 = 0x2020_2020_2020_2020

    /// The 8 bytes at `offset`, the first one lowest.
    @inline(__always)
    static func word(_ p: UnsafeRawBufferPointer, _ offset: Int) -> UInt64 {
        UInt64(littleEndian: p.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
    }

    /// The high bit of each byte of `w` equal to `byte`, and no other bit (exact: no carry crosses
    /// a byte).
    @inline(__always)
    static func matches(_ byte: UInt8, in w: UInt64) -> UInt64 {
        let x = w ^ (ones &* UInt64(byte))
        return ~(((x & lows) &+ lows) | x | lows)
    }

    /// Offset of the first byte from `start` that is not a `tchar` (RFC 9110 §5.6.2), or `end`.
    /// Words of the bytes nearly every field name is made of (letters, digits, "-") pass whole;
    /// from the first other byte on, each byte is tested against the full set.
    @inline(__always)
    static func tokenEnd(_ p: UnsafeRawBufferPointer, from start: Int, end: Int) -> Int {
        scan(p, from: start, end: end, stops: { ~commonNameBytes($0) & highs }, allowed: HTTP1Grammar.isTokenChar)
    }

    /// The high bit of each byte of `w` that is an ASCII letter, digit or "-". Each lane is
    /// reduced to 7 bits first, so that no sum carries into the next one.
    @inline(__always)
    static func commonNameBytes(_ w: UInt64) -> UInt64 {
        let x = w & lows
        let y = x | lowering
        // y + (0x80 - a) reaches bit 7 exactly when y >= a.
        let letter = (y &+ ones &* 0x1F) & ~(y &+ ones &* 0x05)  // "a"...<"{"
        let digit = (x &+ ones &* 0x50) & ~(x &+ ones &* 0x46)  // "0"...<":"
        return (letter | digit | matches(0x2D, in: w)) & ~w & highs
    }

    /// Offset of the first byte from `start` that may not appear in a field value (RFC 9110 §5.5:
    /// controls other than HTAB, and DEL), or `end`. The word that holds one says where: an HTAB
    /// there goes on byte by byte.
    @inline(__always)
    static func fieldValueEnd(_ p: UnsafeRawBufferPointer, from start: Int, end: Int) -> Int {
        scan(p, from: start, end: end, stops: { below(0x20, $0) | matches(0x7F, in: $0) },
             allowed: HTTP1Grammar.isFieldValueChar)
    }

    /// Offset of the first byte from `start` that may not appear in a request-target (RFC 9112
    /// §3.2: visible ASCII only), or `end`.
    @inline(__always)
    static func targetEnd(_ p: UnsafeRawBufferPointer, from start: Int, end: Int) -> Int {
        // Below "!" (SP, controls), or DEL and above: (x & 0x7F) + 1 reaches bit 7 only for DEL,
        // and bit 7 of x is set for the bytes above it.
        scan(p, from: start, end: end, stops: { below(0x21, $0) | ((($0 & lows) &+ ones) | $0) & highs },
             allowed: HTTP1Grammar.isTargetChar)
    }

    /// Whole words while `stops` marks none of their bytes, then from the first marked byte on,
    /// bytes while `allowed`: the offset of the first byte not allowed, or `end`.
    @inline(__always)
    static func scan(_ p: UnsafeRawBufferPointer, from start: Int, end: Int,
                     stops: (UInt64) -> UInt64, allowed: (UInt8) -> Bool) -> Int {
        var i = start
        while i + 8 <= end {
            let stop = stops(word(p, i))
            if stop != 0 {
                i += stop.trailingZeroBitCount >> 3
                break
            }
            i += 8
        }
        while i < end, allowed(p[i]) { i += 1 }
        return i
    }

    /// The high bit of each byte of `w` below `bound` (bound ≤ 128), and no other bit: each lane
    /// is reduced to 7 bits first, so that no sum carries into the next one.
    @inline(__always)
    static func below(_ bound: UInt8, _ w: UInt64) -> UInt64 {
        ~((w & lows) &+ ones &* UInt64(0x80 - bound)) & ~w & highs
    }

    /// Whether the `count` bytes at `at` spell `word` in any case. `word` is lower-case letters
    /// and "-"; the bytes are field-name or field-value characters, never CR, so setting bit 5
    /// lowers a letter and makes no other byte equal to a letter or "-". Words of 4 bytes or more
    /// are compared a word at a time, the last word overlapping (native byte order on both sides).
    @inline(__always)
    static func equalsLower(_ p: UnsafeRawBufferPointer, _ at: Int, _ word: UnsafeRawPointer, count: Int) -> Bool {
        if count >= 8 {
            var k = 0
            while k < count - 8 {
                guard p.loadUnaligned(fromByteOffset: at + k, as: UInt64.self) | lowering
                    == word.loadUnaligned(fromByteOffset: k, as: UInt64.self) else { return false }
                k += 8
            }
            return p.loadUnaligned(fromByteOffset: at + count - 8, as: UInt64.self) | lowering
                == word.loadUnaligned(fromByteOffset: count - 8, as: UInt64.self)
        }
        if count >= 4 {
            let low = UInt32(truncatingIfNeeded: lowering)
            return p.loadUnaligned(fromByteOffset: at, as: UInt32.self) | low == word.loadUnaligned(as: UInt32.self)
                && p.loadUnaligned(fromByteOffset: at + count - 4, as: UInt32.self) | low
                    == word.loadUnaligned(fromByteOffset: count - 4, as: UInt32.self)
        }
        for i in 0..<count where HTTP1Grammar.lower(p[at + i]) != word.load(fromByteOffset: i, as: UInt8.self) { return false }
        return true
    }
}
