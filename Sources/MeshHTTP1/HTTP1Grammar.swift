/// The character classes of the HTTP/1 grammar, as bit tests: no table to load, nothing to allocate.
public enum HTTP1Grammar {
    // Bits set for tchar in 0–63 and 64–127 (derived in `HTTP1GrammarTests` from the RFC's list).
    static let tokenLow: UInt64 = 0x03FF_6CFA_0000_0000
    static let tokenHigh: UInt64 = 0x57FF_FFFF_C7FF_FFFE
    // Bits set for the characters of a Host value (RFC 3986 §3.2.2: unreserved, pct-encoded,
    // sub-delims, ":" before a port, "[" "]" around an IPv6 literal).
    static let hostLow: UInt64 = 0x2FFF_7FF2_0000_0000
    static let hostHigh: UInt64 = 0x47FF_FFFE_AFFF_FFFE

    /// `tchar` (RFC 9110 §5.6.2): the characters of methods, field names and transfer codings.
    @inline(__always)
    public static func isTokenChar(_ b: UInt8) -> Bool {
        b < 64 ? (tokenLow >> UInt64(b)) & 1 == 1 : b < 128 && (tokenHigh >> UInt64(b &- 64)) & 1 == 1
    }

    /// A byte that may appear inside a field value: `field-vchar`, SP or HTAB (RFC 9110 §5.5).
    /// Everything else — NUL, CR, LF and the other controls, DEL — may not.
    @inline(__always)
    public static func isFieldValueChar(_ b: UInt8) -> Bool {
        (b >= 0x20 && b != 0x7F) || b == 0x09
    }

    /// A byte of a request-target (RFC 9112 §3.2, RFC 3986 §2): visible ASCII. A URI has no other
    /// bytes (UTF-8 is percent-encoded); llhttp refuses them too.
    @inline(__always)
    public static func isTargetChar(_ b: UInt8) -> Bool {
        b &- 0x21 < 0x5E
    }

    /// A byte of a Host value (RFC 9112 §3.2, RFC 3986 §3.2.2).
    @inline(__always)
    public static func isHostChar(_ b: UInt8) -> Bool {
        b < 64 ? (hostLow >> UInt64(b)) & 1 == 1 : b < 128 && (hostHigh >> UInt64(b &- 64)) & 1 == 1
    }

    /// `OWS` / `BWS` (RFC 9110 §5.6.3).
    @inline(__always)
    public static func isWhitespace(_ b: UInt8) -> Bool { b == 0x20 || b == 0x09 }

    /// `HEXDIG`'s value, or nil.
    @inline(__always)
    public static func hexValue(_ b: UInt8) -> Int? {
        switch b {
        case 0x30...0x39: Int(b &- 0x30)
        case 0x41...0x46: Int(b &- 0x41 &+ 10)
        case 0x61...0x66: Int(b &- 0x61 &+ 10)
        default: nil
        }
    }

    @inline(__always)
    public static func lower(_ b: UInt8) -> UInt8 { b &- 65 < 26 ? b | 0x20 : b }
}
