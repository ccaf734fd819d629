#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Numbers off the tape: RFC 8259 §6's grammar was checked by the scanner; here each is read
/// as Foundation reads it, or declined.
extension JSONLineDecoder.TapeDecoder {
    func double(at i: Int) throws -> Double {
        let token = tape[i]
        guard token.kind == .number else { throw Unsupported() }
        if let value = fastDouble(Int(token.start), Int(token.end)) { return value }
        let count = Int(token.end - token.start)
        // Up to 63 digits through strtod on a NUL-terminated copy: correctly rounded, as Foundation.
        guard count < 64 else { throw Unsupported() }
        let value: Double? = withUnsafeTemporaryAllocation(of: CChar.self, capacity: 64) { buffer in
            for k in 0..<count { buffer[k] = CChar(bitPattern: bytes[Int(token.start) + k]) }
            buffer[count] = 0
            errno = 0
            let value = strtod(buffer.baseAddress!, nil)
            // Overflow and underflow (1e400, 1e-400) are Foundation's to judge.
            return errno == ERANGE || !value.isFinite ? nil : value
        }
        guard let value else { throw Unsupported() }
        return value
    }

    /// 10^0 to 10^22: every one exact in a Double.
    static let powersOfTen: [Double] = [1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
                                                1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22]

    /// Clinger's fast path (1990): a decimal whose digits make an integer w ≤ 2^53 and whose
    /// power of ten q is within ±22 is w × 10^q or w ÷ 10^-q, each operand exact, so one
    /// IEEE operation rounds it correctly, as strtod would. Most sampled figures are such;
    /// nil for the rest (17 digits, large exponents), which strtod reads.
    private func fastDouble(_ start: Int, _ end: Int) -> Double? {
        var k = start
        let negative = bytes[k] == UInt8(ascii: "-")
        if negative { k += 1 }
        // `digits` counts from the first non-zero digit on (leading zeros are not significant).
        // Not from `w != 0`: twenty digits can wrap w to exactly 0 (5 × 2^64 is
        // 92233720368547758080), which would then pass as a 19-digit 0.
        var w: UInt64 = 0, digits = 0, q = 0
        while k < end, bytes[k] &- 0x30 < 10 {
            w = w &* 10 &+ UInt64(bytes[k] &- 0x30)
            if digits > 0 || bytes[k] != UInt8(ascii: "0") { digits += 1 }
            k += 1
        }
        if k < end, bytes[k] == UInt8(ascii: ".") {
            k += 1
            while k < end, bytes[k] &- 0x30 < 10 {
                w = w &* 10 &+ UInt64(bytes[k] &- 0x30)
                if digits > 0 || bytes[k] != UInt8(ascii: "0") { digits += 1 }
                q -= 1
                k += 1
            }
        }
        if k < end {
            // An exponent: [eE][+-]?digits, as the scanner let through.
            k += 1
            var exponentNegative = false
            if bytes[k] == UInt8(ascii: "+") || bytes[k] == UInt8(ascii: "-") { exponentNegative = bytes[k] == UInt8(ascii: "-"); k += 1 }
            var e = 0
            while k < end {
                e = e * 10 + Int(bytes[k] &- 0x30)
                guard e < 1000 else { return nil }
                k += 1
            }
            q += exponentNegative ? -e : e
        }
        guard digits <= 19, w <= 1 << 53, q >= -22, q <= 22 else { return nil }
        let value = q >= 0 ? Double(w) * Self.powersOfTen[q] : Double(w) / Self.powersOfTen[-q]
        return negative ? -value : value
    }

    /// A plain integer (no fraction or exponent) that fits 64 bits.
    func integer(at i: Int) throws -> Int64 {
        let token = tape[i]
        guard token.kind == .number else { throw Unsupported() }
        var k = Int(token.start)
        let negative = bytes[k] == UInt8(ascii: "-")
        if negative { k += 1 }
        var value: Int64 = 0
        while k < Int(token.end) {
            let digit = bytes[k] &- 0x30
            guard digit < 10 else { throw Unsupported() }
            let (times, o1) = value.multipliedReportingOverflow(by: 10)
            let (sum, o2) = times.addingReportingOverflow(Int64(digit))
            guard !o1, !o2 else { throw Unsupported() }
            value = sum
            k += 1
        }
        return negative ? -value : value
    }

    func unsigned(at i: Int) throws -> UInt64 {
        let value = try integer(at: i)
        guard value >= 0 else { throw Unsupported() }
        return UInt64(value)
    }
}
