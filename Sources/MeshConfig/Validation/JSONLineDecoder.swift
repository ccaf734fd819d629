#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import MeshCore

/// A fast `Decoder` for one JSON line of a recording: the line is scanned once into a tape of
/// tokens (RFC 8259 grammar), then the types' own `init(from:)` read it through keyed containers
/// that look keys up in place. Nothing is materialised but the values asked for. `sample` lines,
/// nearly all of a recording's bytes, are read off the tape directly (`sampleEvent`).
///
/// It is strict and small on purpose: anything it does not take in stride (an escaped string, a
/// number where an integer is wanted written as `1.0`, a value out of range, a missing key, bad
/// JSON) throws `Unsupported`, and the caller decodes that line again with Foundation's
/// `JSONDecoder`, whose answer (value or error message) then stands. So it can only be faster,
/// never more lenient or differently wrong. Why not Foundation for every line: about 9 MB/s
/// on a recording, where opening an hour of a large mesh needs well over 100 MB/s.
struct JSONLineDecoder {
    /// Declined; `line` is where in this file, for whoever extends the decoder.
    struct Unsupported: Error {
        var line: Int
        init(line: Int = #line) { self.line = line }
    }

    enum Kind: UInt8 { case object, array, string, number, `true`, `false`, null }

    struct Token {
        var kind: Kind
        /// The string has a backslash escape (taken by the fallback).
        var escaped: Bool
        /// Bytes of a scalar (a string's without quotes); a container's opening bracket.
        var start: Int32
        var end: Int32
        /// The index of the token after this value (and, for a container, all it holds).
        var next: Int32
    }

    /// The tape's capacity, kept from line to line.
    private var capacity = 64

    /// Decodes `T` from `line` (one JSON value, optionally surrounded by spaces).
    mutating func decode<T: Decodable>(_ type: T.Type, from line: UnsafeRawBufferPointer) throws -> T {
        guard line.count < Int(Int32.max) else { throw Unsupported() }
        var tape: [Token] = []
        tape.reserveCapacity(capacity)
        var scanner = Scanner(bytes: line, tape: tape)
        scanner.skipSpace()
        try scanner.value()
        scanner.skipSpace()
        guard scanner.at == line.count else { throw Unsupported() }
        capacity = max(capacity, scanner.tape.count)
        let index = UnsafeMutablePointer<Int>.allocate(capacity: 1)
        index.initialize(to: 0)
        defer { index.deallocate() }
        let decoder = TapeDecoder(bytes: line, tape: scanner.tape, index: index)
        // Samples are most of a recording: read directly, or through Codable where that declines.
        if T.self == MeshEvent.self, let event = try? decoder.sampleEvent() { return event as! T }
        return try T(from: decoder)
    }

    // MARK: Tokenising

    struct Scanner {
        let bytes: UnsafeRawBufferPointer
        var tape: [Token]
        var at = 0
        var depth = 0
        /// Set when diagnosing a line Foundation refused too (`JSONLineDecoder.diagnose`):
        /// escaped keys are taken, and a failure leaves what is wrong in it and where in `path`.
        var report: Report?
        var path: [String] = []
        var diagnosing: Bool { report != nil }

        init(bytes: UnsafeRawBufferPointer, tape: [Token]) { self.bytes = bytes; self.tape = tape }

        /// Declines; when diagnosing, `message` says why.
        func fail(_ message: @autoclosure () -> String) -> Unsupported {
            if let report, report.problem == nil { report.problem = message() }
            return Unsupported()
        }

        mutating func skipSpace() {
            while at < bytes.count, bytes[at] == 0x20 || bytes[at] == 0x09 || bytes[at] == 0x0D || bytes[at] == 0x0A { at += 1 }
        }

        mutating func value() throws {
            guard at < bytes.count else { throw fail("the line ends where a value should be (cut off?)") }
            switch bytes[at] {
            case UInt8(ascii: "{"): try container(close: UInt8(ascii: "}"), kind: .object)
            case UInt8(ascii: "["): try container(close: UInt8(ascii: "]"), kind: .array)
            case UInt8(ascii: "\""): try string()
            case UInt8(ascii: "t"): try literal("true", .true)
            case UInt8(ascii: "f"): try literal("false", .false)
            case UInt8(ascii: "n"): try literal("null", .null)
            default: try number()
            }
        }

        private mutating func container(close: UInt8, kind: Kind) throws {
            depth += 1
            guard depth < 512 else { throw fail("nested more than 512 levels deep") }
            let index = tape.count
            tape.append(Token(kind: kind, escaped: false, start: Int32(at), end: 0, next: 0))
            at += 1
            skipSpace()
            if at < bytes.count, bytes[at] == close {
                at += 1
            } else {
                var item = 0
                while true {
                    if kind == .object {
                        guard at < bytes.count, bytes[at] == UInt8(ascii: "\"") else { throw fail("expected a key in double quotes, found \(shown)") }
                        try string()
                        // Keys are compared as written: an escaped one is Foundation's.
                        guard !tape[tape.count - 1].escaped || diagnosing else { throw Unsupported() }
                        if diagnosing { path.append(String(decoding: UnsafeRawBufferPointer(rebasing: bytes[Int(tape[tape.count - 1].start)..<Int(tape[tape.count - 1].end)]), as: UTF8.self)) }
                        skipSpace()
                        guard at < bytes.count, bytes[at] == UInt8(ascii: ":") else { throw fail("expected ':' after the key, found \(shown)") }
                        at += 1
                        skipSpace()
                    } else if diagnosing {
                        path.append("[\(item)]")
                    }
                    try value()
                    if diagnosing { path.removeLast() }
                    item += 1
                    skipSpace()
                    guard at < bytes.count else { throw fail("the line ends inside \(kind == .object ? "an object" : "an array") (cut off?)") }
                    if bytes[at] == UInt8(ascii: ",") {
                        at += 1
                        skipSpace()
                    } else if bytes[at] == close {
                        at += 1
                        break
                    } else {
                        throw fail("expected ',' or '\(kind == .object ? "}" : "]")', found \(shown)")
                    }
                }
            }
            tape[index].end = Int32(at)
            tape[index].next = Int32(tape.count)
            depth -= 1
        }

        private mutating func string() throws {
            at += 1
            let start = at
            var escaped = false, wide = false
            while true {
                guard at < bytes.count else { throw fail("a string is not closed (cut off?)") }
                let byte = bytes[at]
                if byte == UInt8(ascii: "\"") { break }
                if byte < 0x20 { throw fail("a control character (0x\(String(byte, radix: 16))) inside a string") }
                if byte == UInt8(ascii: "\\") {
                    // Only RFC 8259 §7's escapes; the value itself is then left to Foundation.
                    escaped = true
                    at += 1
                    guard at < bytes.count, Self.escapes.contains(bytes[at]) else { throw fail("an escape JSON does not have (\\\(shown))") }
                    if bytes[at] == UInt8(ascii: "u") {
                        guard at + 4 < bytes.count, (1...4).allSatisfy({ Self.isHex(bytes[at + $0]) }) else { throw fail("\\u without four hex digits") }
                    }
                }
                if byte >= 0x80 { wide = true }
                at += 1
            }
            // Not UTF-8 anywhere, even in a value never read, is Foundation's to refuse.
            if wide, String(validating: UnsafeRawBufferPointer(rebasing: bytes[start..<at]), as: UTF8.self) == nil { throw fail("a string that is not UTF-8 text") }
            tape.append(Token(kind: .string, escaped: escaped, start: Int32(start), end: Int32(at), next: Int32(tape.count + 1)))
            at += 1
        }

        private static func isHex(_ b: UInt8) -> Bool { b &- 0x30 < 10 || (b | 0x20) &- 0x61 < 6 }

        private static let escapes: [UInt8] = Array("\"\\/bfnrtu".utf8)

        private mutating func literal(_ word: StaticString, _ kind: Kind) throws {
            let count = word.utf8CodeUnitCount
            guard at + count <= bytes.count else { throw fail("\(shown) is not a JSON value") }
            for i in 0..<count where bytes[at + i] != word.utf8Start[i] { throw fail("\(shown) is not a JSON value") }
            tape.append(Token(kind: kind, escaped: false, start: Int32(at), end: Int32(at + count), next: Int32(tape.count + 1)))
            at += count
        }

        /// `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?` (RFC 8259 §6).
        private mutating func number() throws {
            let start = at
            func digits() throws {
                let first = at
                while at < bytes.count, bytes[at] &- 0x30 < 10 { at += 1 }
                guard at > first else { at = start; throw fail("\(shown) is not a JSON value") }
            }
            if at < bytes.count, bytes[at] == UInt8(ascii: "-") { at += 1 }
            guard at < bytes.count else { throw fail("the line ends inside a number (cut off?)") }
            if bytes[at] == UInt8(ascii: "0") { at += 1 } else { try digits() }
            if at < bytes.count, bytes[at] == UInt8(ascii: ".") { at += 1; try digits() }
            if at < bytes.count, bytes[at] | 0x20 == UInt8(ascii: "e") {
                at += 1
                if at < bytes.count, bytes[at] == UInt8(ascii: "+") || bytes[at] == UInt8(ascii: "-") { at += 1 }
                try digits()
            }
            tape.append(Token(kind: .number, escaped: false, start: Int32(start), end: Int32(at), next: Int32(tape.count + 1)))
        }
    }

    // MARK: Reading the tape

    /// One decoder for the whole line: a nested value is decoded by pointing `index` at it for
    /// the call, so decoding allocates no decoder per value.
    final class TapeDecoder: Decoder {
        let bytes: UnsafeRawBufferPointer
        let tape: [Token]
        /// The value being decoded; behind a pointer, so moving it costs no exclusivity check.
        private let current: UnsafeMutablePointer<Int>
        var index: Int { current.pointee }
        /// Single values being decoded in the place of their wrapper (`SingleValue.decode`).
        var wrapped = 0
        /// Diagnosing (`JSONLineDecoder+Diagnosis`): the path is kept, escaped strings are
        /// read, and what would decline throws a `DecodingError` that says what is wrong.
        var diagnosing = false
        var path: [any CodingKey] = []
        var codingPath: [any CodingKey] { path }
        var userInfo: [CodingUserInfoKey: Any] { [:] }

        init(bytes: UnsafeRawBufferPointer, tape: [Token], index: UnsafeMutablePointer<Int>) {
            self.bytes = bytes; self.tape = tape; current = index
        }

        func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
            guard tape[index].kind == .object else { throw mismatch([String: Any].self, at: index) }
            return KeyedDecodingContainer(KeyedContainer<Key>(decoder: self, object: index))
        }

        func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
            guard tape[index].kind == .array else { throw mismatch([Any].self, at: index) }
            return UnkeyedContainer(decoder: self, array: index)
        }

        func singleValueContainer() throws -> any SingleValueDecodingContainer { SingleValue(decoder: self, at: index) }

        /// Primitives by type identity (a cast to a protocol type would search conformances).
        func value<T: Decodable>(_ type: T.Type, at i: Int) throws -> T {
            if diagnosing, Self.isPrimitive(T.self) { return try primitive(type, at: i) }
            if T.self == Double.self { return unsafeBitCast(try double(at: i), to: T.self) }
            if T.self == Int.self { return unsafeBitCast(Int(try integer(at: i)), to: T.self) }
            if T.self == String.self { return unsafeBitCast(try string(at: i), to: T.self) }
            if T.self == Bool.self { return unsafeBitCast(try bool(at: i), to: T.self) }
            if T.self == Float.self {
                // As Foundation: read as a Double, then narrowed if within Float's range.
                let d = try double(at: i)
                guard abs(d) <= Double(Float.greatestFiniteMagnitude) else { throw Unsupported() }
                return unsafeBitCast(Float(d), to: T.self)
            }
            if T.self == UInt64.self { return unsafeBitCast(try unsigned(at: i), to: T.self) }
            if T.self == Int64.self { return unsafeBitCast(try integer(at: i), to: T.self) }
            if T.self == Int32.self { return unsafeBitCast(try exactly(Int32.self, at: i), to: T.self) }
            if T.self == UInt32.self { return unsafeBitCast(try exactly(UInt32.self, at: i), to: T.self) }
            if T.self == UInt16.self { return unsafeBitCast(try exactly(UInt16.self, at: i), to: T.self) }
            if T.self == Int16.self { return unsafeBitCast(try exactly(Int16.self, at: i), to: T.self) }
            if T.self == UInt8.self { return unsafeBitCast(try exactly(UInt8.self, at: i), to: T.self) }
            if T.self == Int8.self { return unsafeBitCast(try exactly(Int8.self, at: i), to: T.self) }
            if T.self == UInt.self { return unsafeBitCast(UInt(try unsigned(at: i)), to: T.self) }
            let saved = current.pointee
            current.pointee = i
            defer { current.pointee = saved }
            return try T(from: self)
        }

        static func isPrimitive(_ type: Any.Type) -> Bool {
            type == Double.self || type == Int.self || type == String.self || type == Bool.self || type == Float.self
                || type == UInt64.self || type == Int64.self || type == Int32.self || type == UInt32.self || type == UInt16.self
                || type == Int16.self || type == UInt8.self || type == Int8.self || type == UInt.self
        }

        private func exactly<I: FixedWidthInteger>(_ type: I.Type, at i: Int) throws -> I {
            guard let v = I(exactly: try integer(at: i)) else { throw Unsupported() }
            return v
        }

        func string(at i: Int) throws -> String {
            let token = tape[i]
            guard token.kind == .string, !token.escaped else { throw Unsupported() }
            // The scanner checked every string's UTF-8.
            return String(decoding: UnsafeRawBufferPointer(rebasing: bytes[Int(token.start)..<Int(token.end)]), as: UTF8.self)
        }

        func bool(at i: Int) throws -> Bool {
            switch tape[i].kind {
            case .true: true
            case .false: false
            default: throw Unsupported()
            }
        }

        /// The value's index under `key` in the object at `object`, by a walk over its keys.
        func find(_ key: some CodingKey, in object: Int) -> Int? {
            var child = object + 1
            let end = Int(tape[object].next)
            var name = key.stringValue
            return name.withUTF8 { wanted in
                while child < end {
                    let k = tape[child]
                    if !k.escaped, Int(k.end - k.start) == wanted.count,
                       memcmp(bytes.baseAddress! + Int(k.start), wanted.baseAddress!, wanted.count) == 0 {
                        return child + 1
                    }
                    child = Int(tape[child + 1].next)
                }
                return nil
            }
        }
    }

    fileprivate struct KeyedContainer<Key: CodingKey>: KeyedDecodingContainerProtocol {
        let decoder: TapeDecoder
        let object: Int
        var codingPath: [any CodingKey] { decoder.path }

        var allKeys: [Key] {
            var keys: [Key] = []
            var child = object + 1
            while child < Int(decoder.tape[object].next) {
                if let name = try? decoder.string(at: child), let key = Key(stringValue: name) { keys.append(key) }
                child = Int(decoder.tape[child + 1].next)
            }
            return keys
        }

        func contains(_ key: Key) -> Bool { decoder.find(key, in: object) != nil }

        func decodeNil(forKey key: Key) throws -> Bool {
            guard let i = decoder.find(key, in: object) else { throw decoder.missing(key) }
            return decoder.tape[i].kind == .null
        }

        func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T {
            guard let i = decoder.find(key, in: object) else { throw decoder.missing(key) }
            if decoder.diagnosing { return try decoder.under(key) { try decoder.value(type, at: i) } }
            return try decoder.value(type, at: i)
        }

        func decodeIfPresent<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T? {
            guard let i = decoder.find(key, in: object), decoder.tape[i].kind != .null else { return nil }
            if decoder.diagnosing { return try decoder.under(key) { try decoder.value(type, at: i) } }
            return try decoder.value(type, at: i)
        }

        func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type, forKey key: Key) throws -> KeyedDecodingContainer<NestedKey> {
            guard let i = decoder.find(key, in: object) else { throw decoder.missing(key) }
            guard decoder.tape[i].kind == .object else { throw decoder.under(key) { decoder.mismatch([String: Any].self, at: i) } }
            return KeyedDecodingContainer(KeyedContainer<NestedKey>(decoder: decoder, object: i))
        }

        func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer {
            guard let i = decoder.find(key, in: object) else { throw decoder.missing(key) }
            guard decoder.tape[i].kind == .array else { throw decoder.under(key) { decoder.mismatch([Any].self, at: i) } }
            return UnkeyedContainer(decoder: decoder, array: i)
        }

        func superDecoder() throws -> any Decoder { throw Unsupported() }
        func superDecoder(forKey key: Key) throws -> any Decoder { throw Unsupported() }
    }

    fileprivate struct UnkeyedContainer: UnkeyedDecodingContainer {
        let decoder: TapeDecoder
        /// Tape indices as the tape keeps them: three words in all fit an existential's inline
        /// buffer, so an array (a latency window's buckets) costs no allocation.
        let end: Int32
        var at: Int32
        var currentIndex = 0
        var codingPath: [any CodingKey] { decoder.path }

        init(decoder: TapeDecoder, array: Int) {
            self.decoder = decoder
            end = decoder.tape[array].next
            at = Int32(array + 1)
        }

        private var position: Int { Int(at) }
        var count: Int? { nil }
        var isAtEnd: Bool { at >= end }

        mutating func decodeNil() throws -> Bool {
            guard !isAtEnd else { throw Unsupported() }
            guard decoder.tape[position].kind == .null else { return false }
            advance()
            return true
        }

        mutating func decode<T: Decodable>(_ type: T.Type) throws -> T {
            guard !isAtEnd else { throw decoder.tooFew(T.self, after: currentIndex) }
            let at = position
            let value = decoder.diagnosing ? try decoder.under(JSONLineDecoder.IndexKey(currentIndex)) { try decoder.value(type, at: at) }
                                           : try decoder.value(type, at: at)
            advance()
            return value
        }

        mutating func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type) throws -> KeyedDecodingContainer<NestedKey> {
            guard !isAtEnd, decoder.tape[position].kind == .object else { throw Unsupported() }
            defer { advance() }
            return KeyedDecodingContainer(KeyedContainer<NestedKey>(decoder: decoder, object: position))
        }

        mutating func nestedUnkeyedContainer() throws -> any UnkeyedDecodingContainer {
            guard !isAtEnd, decoder.tape[position].kind == .array else { throw Unsupported() }
            defer { advance() }
            return UnkeyedContainer(decoder: decoder, array: position)
        }

        func superDecoder() throws -> any Decoder { throw Unsupported() }

        private mutating func advance() {
            at = decoder.tape[position].next
            currentIndex += 1
        }
    }

    fileprivate struct SingleValue: SingleValueDecodingContainer {
        let decoder: TapeDecoder
        let at: Int
        var codingPath: [any CodingKey] { decoder.path }

        func decodeNil() -> Bool { decoder.tape[at].kind == .null }
        func decode<T: Decodable>(_ type: T.Type) throws -> T {
            if TapeDecoder.isPrimitive(T.self) { return try decoder.value(type, at: at) }
            // A wrapper's value (`StatusClasses` is an array) is read in the same place: a type
            // that asked for itself would recurse, and a few levels are plenty for any other.
            guard decoder.wrapped < 4 else { throw Unsupported() }
            decoder.wrapped += 1
            defer { decoder.wrapped -= 1 }
            return try decoder.value(type, at: at)
        }
    }
}
