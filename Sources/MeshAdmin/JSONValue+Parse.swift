/// RFC 8259 text read into a `JSONValue`, members in order, with where reading stopped when
/// it is not JSON.
extension JSONValue {
    /// Deeper nesting is refused: no request body mesh-top takes is more than a few levels deep.
    static let maxDepth = 64

    /// Why a body is not JSON, with the byte offset where reading stopped.
    struct SyntaxError: Error, Sendable, CustomStringConvertible {
        var reason: String
        var offset: Int
        var description: String { "\(reason) at byte \(offset)" }
    }

    /// One JSON value, optionally surrounded by white space, and nothing else.
    static func parse(_ bytes: [UInt8]) throws(SyntaxError) -> JSONValue {
        var reader = JSONReader(bytes: bytes)
        reader.skipSpace()
        let value = try reader.value(depth: 0)
        reader.skipSpace()
        guard reader.at == bytes.count else { throw reader.error("unexpected data after the top-level value") }
        return value
    }
}

/// The reader behind `JSONValue.parse`: one pass over the bytes, recursive over containers.
private struct JSONReader {
    let bytes: [UInt8]
    var at = 0

    func error(_ reason: String) -> JSONValue.SyntaxError { JSONValue.SyntaxError(reason: reason, offset: at) }

    mutating func skipSpace() {
        while at < bytes.count, bytes[at] == 0x20 || bytes[at] == 0x0A || bytes[at] == 0x0D || bytes[at] == 0x09 { at += 1 }
    }

    mutating func value(depth: Int) throws(JSONValue.SyntaxError) -> JSONValue {
        guard at < bytes.count else { throw error("unexpected end of input") }
        switch bytes[at] {
        case UInt8(ascii: "{"): return try object(depth: depth + 1)
        case UInt8(ascii: "["): return try array(depth: depth + 1)
        case UInt8(ascii: "\""): return .string(try string())
        case UInt8(ascii: "t"): try literal("true"); return .bool(true)
        case UInt8(ascii: "f"): try literal("false"); return .bool(false)
        case UInt8(ascii: "n"): try literal("null"); return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number(try number())
        default: throw error("unexpected character '\(Self.shown(bytes[at]))' where a value should begin")
        }
    }

    private mutating func object(depth: Int) throws(JSONValue.SyntaxError) -> JSONValue {
        guard depth <= JSONValue.maxDepth else { throw error("nested deeper than \(JSONValue.maxDepth) levels") }
        at += 1
        var members: [(key: String, value: JSONValue)] = []
        skipSpace()
        if at < bytes.count, bytes[at] == UInt8(ascii: "}") { at += 1; return .object(members) }
        while true {
            skipSpace()
            guard at < bytes.count, bytes[at] == UInt8(ascii: "\"") else { throw error("expected a member name in quotes") }
            let key = try string()
            skipSpace()
            guard at < bytes.count, bytes[at] == UInt8(ascii: ":") else { throw error("expected ':' after a member name") }
            at += 1
            skipSpace()
            members.append((key, try value(depth: depth)))
            skipSpace()
            guard at < bytes.count else { throw error("unexpected end of input in an object") }
            if bytes[at] == UInt8(ascii: "}") { at += 1; return .object(members) }
            guard bytes[at] == UInt8(ascii: ",") else { throw error("expected ',' or '}' after an object member") }
            at += 1
        }
    }

    private mutating func array(depth: Int) throws(JSONValue.SyntaxError) -> JSONValue {
        guard depth <= JSONValue.maxDepth else { throw error("nested deeper than \(JSONValue.maxDepth) levels") }
        at += 1
        var items: [JSONValue] = []
        skipSpace()
        if at < bytes.count, bytes[at] == UInt8(ascii: "]") { at += 1; return .array(items) }
        while true {
            skipSpace()
            items.append(try value(depth: depth))
            skipSpace()
            guard at < bytes.count else { throw error("unexpected end of input in a list") }
            if bytes[at] == UInt8(ascii: "]") { at += 1; return .array(items) }
            guard bytes[at] == UInt8(ascii: ",") else { throw error("expected ',' or ']' after a list item") }
            at += 1
        }
    }

    private mutating func literal(_ word: String) throws(JSONValue.SyntaxError) {
        let utf8 = Array(word.utf8)
        guard at + utf8.count <= bytes.count, Array(bytes[at..<at + utf8.count]) == utf8 else {
            throw error("unexpected character '\(Self.shown(bytes[at]))' where a value should begin")
        }
        at += utf8.count
    }

    /// RFC 8259 §6: `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`, as written.
    private mutating func number() throws(JSONValue.SyntaxError) -> String {
        let start = at
        func digits(_ reader: inout JSONReader) throws(JSONValue.SyntaxError) {
            let first = reader.at
            while reader.at < reader.bytes.count, reader.bytes[reader.at] &- UInt8(ascii: "0") < 10 { reader.at += 1 }
            guard reader.at > first else { throw reader.error("expected a digit in a number") }
        }
        if bytes[at] == UInt8(ascii: "-") { at += 1 }
        if at < bytes.count, bytes[at] == UInt8(ascii: "0") { at += 1 } else { try digits(&self) }
        if at < bytes.count, bytes[at] == UInt8(ascii: ".") { at += 1; try digits(&self) }
        if at < bytes.count, bytes[at] | 0x20 == UInt8(ascii: "e") {
            at += 1
            if at < bytes.count, bytes[at] == UInt8(ascii: "+") || bytes[at] == UInt8(ascii: "-") { at += 1 }
            try digits(&self)
        }
        return String(decoding: bytes[start..<at], as: UTF8.self)
    }

    /// A string's contents, escapes decoded (a lone surrogate becomes U+FFFD, as in Go).
    private mutating func string() throws(JSONValue.SyntaxError) -> String {
        at += 1
        var out: [UInt8] = []
        while true {
            guard at < bytes.count else { throw error("unexpected end of input in a string") }
            let b = bytes[at]
            switch b {
            case UInt8(ascii: "\""):
                at += 1
                return String(decoding: out, as: UTF8.self)
            case UInt8(ascii: "\\"):
                at += 1
                guard at < bytes.count else { throw error("unexpected end of input in a string") }
                let escape = bytes[at]
                at += 1
                switch escape {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): out.append(escape)
                case UInt8(ascii: "b"): out.append(0x08)
                case UInt8(ascii: "f"): out.append(0x0C)
                case UInt8(ascii: "n"): out.append(0x0A)
                case UInt8(ascii: "r"): out.append(0x0D)
                case UInt8(ascii: "t"): out.append(0x09)
                case UInt8(ascii: "u"):
                    var scalar = try hex4()
                    if (0xD800..<0xDC00).contains(scalar), at + 1 < bytes.count,
                       bytes[at] == UInt8(ascii: "\\"), bytes[at + 1] == UInt8(ascii: "u") {
                        let mark = at
                        at += 2
                        let low = try hex4()
                        if (0xDC00..<0xE000).contains(low) {
                            scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                        } else {
                            at = mark
                        }
                    }
                    out.append(contentsOf: Array(String(Unicode.Scalar(scalar).map(Character.init) ?? "\u{FFFD}").utf8))
                default:
                    at -= 1
                    throw error("invalid escape '\\\(Self.shown(escape))' in a string")
                }
            case 0..<0x20:
                throw error("control character in a string (escape it)")
            default:
                out.append(b)
                at += 1
            }
        }
    }

    private mutating func hex4() throws(JSONValue.SyntaxError) -> UInt32 {
        guard at + 4 <= bytes.count else { throw error("unexpected end of input in a \\u escape") }
        var v: UInt32 = 0
        for _ in 0..<4 {
            let b = bytes[at] | 0x20
            let digit: UInt8
            if b &- UInt8(ascii: "0") < 10 { digit = b - UInt8(ascii: "0") } else if b &- UInt8(ascii: "a") < 6 { digit = b - UInt8(ascii: "a") + 10 } else {
                throw error("invalid \\u escape in a string")
            }
            v = v << 4 | UInt32(digit)
            at += 1
        }
        return v
    }

    private static func shown(_ byte: UInt8) -> String {
        byte >= 0x20 && byte < 0x7F ? String(UnicodeScalar(byte)) : "\\x" + String(byte, radix: 16)
    }
}
