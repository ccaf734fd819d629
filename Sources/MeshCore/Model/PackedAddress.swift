/// An endpoint's `host:port` as the state keeps it. Swift keeps a string of up to 15 UTF-8
/// bytes inline; a longer one is a heap object of 64 bytes, and `10.0.100.100:8080` is 17.
/// Such an address in canonical dotted-quad form (no leading zeros) is kept as its 6 bytes
/// instead, and formatted back to the very same text when read.
enum PackedAddress: Sendable, Equatable {
    case none
    case text(String)
    case ipv4(UInt32, port: UInt16)

    init(_ address: String?) {
        guard let address else { self = .none; return }
        if address.utf8.count > 15, let (ip, port) = Self.parse(address) {
            self = .ipv4(ip, port: port)
        } else {
            self = .text(address)
        }
    }

    var string: String? {
        switch self {
        case .none: return nil
        case .text(let text): return text
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
