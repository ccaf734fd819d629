/// An endpoint's `host:port` as the state keeps it, in 8 bytes. An address in canonical
/// dotted-quad form (no leading zeros) is kept as its 6 bytes, and formatted back to the very
/// same text when read; any other (a name, IPv6) as a reference to its text, 32 bytes on the
/// heap. Swift keeps a string of up to 15 UTF-8 bytes in 16 inline bytes, and a longer one as
/// a heap object of 64 bytes (`10.0.100.100:8080` is 17): inline, the 16 bytes and the enum's
/// tag cost every endpoint 24.
enum PackedAddress: Sendable, Equatable {
    case none
    case text(Text)
    case ipv4(UInt32, port: UInt16)

    /// An address kept as text, behind one reference.
    final class Text: Sendable, Equatable {
        let string: String
        init(_ string: String) { self.string = string }
        static func == (l: Text, r: Text) -> Bool { l.string == r.string }
    }

    init(_ address: String?) {
        guard let address else { self = .none; return }
        if let (ip, port) = Self.parse(address) {
            self = .ipv4(ip, port: port)
        } else {
            self = .text(Text(address))
        }
    }

    var string: String? {
        switch self {
        case .none: return nil
        case .text(let text): return text.string
        case .ipv4(let ip, let port):
            return "\(ip >> 24).\(ip >> 16 & 0xFF).\(ip >> 8 & 0xFF).\(ip & 0xFF):\(port)"
        }
    }

    /// `a.b.c.d:port` with every number in range and written without leading zeros, so that
    /// `string` gives back exactly the text; nil for anything else.
    private static func parse(_ text: String) -> (UInt32, UInt16)? {
        var parts: [UInt32] = []
        var value: UInt32 = 0, digits = 0, leadingZero = false
        func close() -> Bool {
            guard digits > 0 else { return false }
            parts.append(value)
            value = 0; digits = 0; leadingZero = false
            return true
        }
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"):
                guard !leadingZero, digits < 5 else { return nil }
                if digits == 0 && byte == UInt8(ascii: "0") { leadingZero = true }
                value = value * 10 + UInt32(byte - UInt8(ascii: "0"))
                digits += 1
            case UInt8(ascii: "."):
                guard parts.count < 3, close() else { return nil }
            case UInt8(ascii: ":"):
                guard parts.count == 3, close() else { return nil }
            default:
                return nil
            }
        }
        guard parts.count == 4, close(), parts[..<4].allSatisfy({ $0 <= 255 }), parts[4] <= UInt32(UInt16.max) else { return nil }
        return (parts[0] << 24 | parts[1] << 16 | parts[2] << 8 | parts[3], UInt16(parts[4]))
    }
}
