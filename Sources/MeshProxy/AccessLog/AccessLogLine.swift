import Glibc
import NIOCore

/// Writes one access-log line, text or JSON, straight into bytes: no strings, no formatter.
/// Unset values are `-` in text (inside the quotes of a quoted field, as Envoy prints them) and
/// `null` in JSON. Strings from the request (its target, its request ID) are escaped as JSON
/// escapes them in both formats, so a line is always one line.
struct AccessLogLine {
    var out: [UInt8]
    let json: Bool
    private var first = true

    init(out: [UInt8], json: Bool) {
        self.out = out
        self.json = json
    }

    mutating func begin() { if json { byte(UInt8(ascii: "{")) } }

    mutating func end() {
        if json { byte(UInt8(ascii: "}")) }
        byte(UInt8(ascii: "\n"))
    }

    private mutating func key(_ name: StaticString) {
        if json {
            if !first { byte(UInt8(ascii: ",")) }
            byte(UInt8(ascii: "\""))
            raw(name)
            raw("\":")
        } else if !first {
            byte(UInt8(ascii: " "))
        }
        first = false
    }

    // MARK: Fields

    /// `[2026-11-30T22:00:00.123Z]`, or `"start_time":"…"`.
    mutating func time(_ wallNanoseconds: Int64) {
        key("start_time")
        byte(json ? UInt8(ascii: "\"") : UInt8(ascii: "["))
        var seconds = time_t(wallNanoseconds / 1_000_000_000)
        var parts = tm()
        gmtime_r(&seconds, &parts)
        digits(Int(parts.tm_year) + 1900, 4); byte(UInt8(ascii: "-"))
        digits(Int(parts.tm_mon) + 1, 2); byte(UInt8(ascii: "-"))
        digits(Int(parts.tm_mday), 2); byte(UInt8(ascii: "T"))
        digits(Int(parts.tm_hour), 2); byte(UInt8(ascii: ":"))
        digits(Int(parts.tm_min), 2); byte(UInt8(ascii: ":"))
        digits(Int(parts.tm_sec), 2); byte(UInt8(ascii: "."))
        digits(Int(wallNanoseconds % 1_000_000_000 / 1_000_000), 3); byte(UInt8(ascii: "Z"))
        byte(json ? UInt8(ascii: "\"") : UInt8(ascii: "]"))
    }

    /// `"GET /path HTTP/1.1"`, or its three JSON fields.
    mutating func request(_ head: ByteBuffer, methodEnd: Int, targetStart: Int, targetEnd: Int, isHTTP10: Bool) {
        let protocolName: StaticString = isHTTP10 ? "HTTP/1.0" : "HTTP/1.1"
        head.withUnsafeReadableBytes { bytes in
            let method = UnsafeRawBufferPointer(rebasing: bytes[0..<min(methodEnd, bytes.count)])
            let target = UnsafeRawBufferPointer(rebasing: bytes[min(targetStart, bytes.count)..<min(targetEnd, bytes.count)])
            if json {
                key("method"); quote { $0.escaped(method) }
                key("path"); quote { $0.escaped(target) }
                key("protocol"); quote { $0.raw(protocolName) }
            } else {
                key("request")
                quote { l in
                    l.escaped(method)
                    l.byte(UInt8(ascii: " "))
                    l.escaped(target)
                    l.byte(UInt8(ascii: " "))
                    l.raw(protocolName)
                }
            }
        }
    }

    /// A TCP connection has no request line: `"- - -"` as Envoy prints it.
    mutating func noRequest() {
        if json {
            key("method"); raw("null")
            key("path"); raw("null")
            key("protocol"); raw("null")
        } else {
            key("request"); raw("\"- - -\"")
        }
    }

    mutating func number(_ name: StaticString, _ value: Int?) {
        key(name)
        guard let value else { return json ? raw("null") : dash() }
        decimal(value)
    }

    mutating func flags(_ flags: ResponseFlags) {
        key("response_flags")
        if flags.isEmpty { return json ? raw("\"-\"") : dash() }
        if json { byte(UInt8(ascii: "\"")) }
        var separate = false
        for (flag, name) in ResponseFlags.names where flags.contains(flag) {
            if separate { byte(UInt8(ascii: ",")) }
            raw(name)
            separate = true
        }
        if json { byte(UInt8(ascii: "\"")) }
    }

    /// A string field, unset unless `present`. `quoted`: in quotes in the text format too.
    mutating func string(_ name: StaticString, quoted: Bool, present: Bool = true, _ write: (inout AccessLogLine) -> Void) {
        key(name)
        guard present else {
            if json { return raw("null") }
            return quoted ? raw("\"-\"") : dash()
        }
        if json || quoted { quote(write) } else { write(&self) }
    }

    // MARK: Bytes

    private mutating func quote(_ body: (inout AccessLogLine) -> Void) {
        byte(UInt8(ascii: "\""))
        body(&self)
        byte(UInt8(ascii: "\""))
    }

    mutating func byte(_ b: UInt8) { out.append(b) }

    mutating func raw(_ s: StaticString) {
        s.withUTF8Buffer { out.append(contentsOf: $0) }
    }

    mutating func raw(_ bytes: [UInt8]) { out.append(contentsOf: bytes) }

    private mutating func dash() { byte(UInt8(ascii: "-")) }

    mutating func escaped(_ buffer: ByteBuffer) {
        buffer.withUnsafeReadableBytes { escaped($0) }
    }

    /// JSON string escaping (RFC 8259 §7): quote, backslash and control characters.
    mutating func escaped(_ bytes: UnsafeRawBufferPointer) {
        for b in bytes {
            switch b {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"):
                byte(UInt8(ascii: "\\")); byte(b)
            case 0..<0x20, 0x7F:
                raw("\\u00")
                byte(Self.hex[Int(b >> 4)]); byte(Self.hex[Int(b & 0xF)])
            default:
                byte(b)
            }
        }
    }

    private static let hex: [UInt8] = Array("0123456789abcdef".utf8)

    private mutating func decimal(_ value: Int) {
        if value < 0 { byte(UInt8(ascii: "-")); return decimal(-value) }
        if value >= 10 { decimal(value / 10) }
        byte(UInt8(ascii: "0") + UInt8(value % 10))
    }

    private mutating func digits(_ value: Int, _ width: Int) {
        var divisor = 1
        for _ in 1..<width { divisor *= 10 }
        var v = value
        while divisor > 0 {
            byte(UInt8(ascii: "0") + UInt8(v / divisor % 10))
            v %= divisor
            divisor /= 10
        }
    }
}
