import Foundation

/// Why a line both decoders refused is wrong, in our words and with the key's path: Foundation's
/// own errors carry no path for a number it cannot hold (`1e400`, `-1` where a count is
/// unsigned: "The given data was not valid JSON.") and none at all for bad syntax (`NaN`). Only
/// ever run on a line that failed, so the fast path pays nothing for it.
extension JSONLineDecoder {
    /// What is wrong with a line.
    enum Diagnosis {
        /// Not JSON (or not one object): what is wrong and under which key, if inside one.
        case syntax(key: String?, message: String)
        /// JSON, but not a `T`: the `DecodingError` (with its path) the type or the decoder threw.
        case decoding(any Error)
    }

    /// What a diagnosing scan found wrong.
    final class Report {
        var problem: String?
    }

    /// An array element's key, `[3]`.
    struct IndexKey: CodingKey {
        var intValue: Int?
        var stringValue: String { "[\(intValue ?? 0)]" }
        init(_ index: Int) { intValue = index }
        init?(intValue: Int) { self.intValue = intValue }
        init?(stringValue: String) { nil }
    }

    /// Reads `line` as a `T` once more, slowly, to say what is wrong; nil if it reads (then
    /// the caller's own error stands).
    static func diagnose<T: Decodable>(_ type: T.Type, from line: UnsafeRawBufferPointer) -> Diagnosis? {
        guard line.count < Int(Int32.max) else { return .syntax(key: nil, message: "a line longer than 2 GB") }
        var scanner = Scanner(bytes: line, tape: [])
        scanner.report = Report()
        scanner.skipSpace()
        do {
            try scanner.value()
        } catch {
            let key = scanner.path.reduce("") { $0.isEmpty || $1.hasPrefix("[") ? $0 + $1 : $0 + "." + $1 }
            return .syntax(key: key.isEmpty ? nil : key, message: scanner.report?.problem ?? "not valid JSON")
        }
        guard scanner.tape.first?.kind == .object else { return .syntax(key: nil, message: "not a JSON object (each line is one {...})") }
        scanner.skipSpace()
        guard scanner.at == line.count else { return .syntax(key: nil, message: "\(scanner.shown) after the object's closing brace") }
        let index = UnsafeMutablePointer<Int>.allocate(capacity: 1)
        index.initialize(to: 0)
        defer { index.deallocate() }
        let decoder = TapeDecoder(bytes: line, tape: scanner.tape, index: index)
        decoder.diagnosing = true
        do {
            _ = try T(from: decoder)
            return nil
        } catch {
            return .decoding(error)
        }
    }
}

extension JSONLineDecoder.TapeDecoder {
    /// `body` with `key` on the path.
    func under<R>(_ key: any CodingKey, _ body: () throws -> R) rethrows -> R {
        path.append(key)
        defer { path.removeLast() }
        return try body()
    }

    /// A key the type needs is not there.
    func missing(_ key: any CodingKey) -> any Error {
        guard diagnosing else { return Unsupported() }
        return DecodingError.keyNotFound(key, .init(codingPath: path, debugDescription: "missing"))
    }

    /// The value at `i` is not the kind `expected` is.
    func mismatch(_ expected: Any.Type, at i: Int) -> any Error {
        guard diagnosing else { return Unsupported() }
        return DecodingError.typeMismatch(expected, .init(codingPath: path, debugDescription: "found \(kindName(tape[i].kind))"))
    }

    /// An array that ends before the type has read all it needs.
    func tooFew(_ type: Any.Type, after count: Int) -> any Error {
        guard diagnosing else { return Unsupported() }
        return DecodingError.valueNotFound(type, .init(codingPath: path, debugDescription: "expected more than \(count) items"))
    }

    /// A primitive read as the fast path reads it, or, where that declines, what is wrong with
    /// it (or, for an escaped string, its value as JSON means it).
    func primitive<T: Decodable>(_ type: T.Type, at i: Int) throws -> T {
        diagnosing = false
        defer { diagnosing = true }
        do {
            return try value(type, at: i)
        } catch {
            let token = tape[i]
            let text = String(decoding: UnsafeRawBufferPointer(rebasing: bytes[Int(token.start)..<Int(token.end)]), as: UTF8.self)
            if T.self == String.self, token.kind == .string,
               let array = try? JSONSerialization.jsonObject(with: Data("[\"\(text)\"]".utf8)) as? [String], let value = array.first {
                return value as! T
            }
            if token.kind == .null { throw DecodingError.valueNotFound(type, .init(codingPath: path, debugDescription: "null")) }
            let numeric = T.self != String.self && T.self != Bool.self
            guard token.kind == .number, numeric else {
                throw DecodingError.typeMismatch(type, .init(codingPath: path, debugDescription: "found \(kindName(token.kind))"))
            }
            // Foundation reads `2.0` or `1e3` where a whole number is wanted; so does the diagnosis.
            if let number = Double(text), number.isFinite, number == number.rounded(),
               let whole = (T.self as? any BinaryInteger.Type)?.init(exactly: number) as? T {
                return whole
            }
            let shown = text.count > 40 ? text.prefix(40) + "..." : Substring(text)
            let whole = T.self != Double.self && T.self != Float.self
            let fraction = Double(text).map { $0.isFinite && $0 != $0.rounded() } ?? false
            let message = whole && fraction ? "\(shown) is not a whole number"
                : whole ? "\(shown) is out of range (\(Self.wholeRange(T.self)))"
                : "\(shown) is out of range (a finite number up to ±\(T.self == Float.self ? "3.4e38" : "1.8e308"))"
            throw DecodingError.dataCorrupted(.init(codingPath: path, debugDescription: message))
        }
    }

    private static func wholeRange(_ type: Any.Type) -> String {
        switch type {
        case is UInt64.Type, is UInt.Type: "a whole number from 0 to \(UInt64.max)"
        case is UInt32.Type: "a whole number from 0 to \(UInt32.max)"
        case is UInt16.Type: "a whole number from 0 to \(UInt16.max)"
        case is UInt8.Type: "a whole number from 0 to \(UInt8.max)"
        case is Int32.Type: "a whole number from \(Int32.min) to \(Int32.max)"
        case is Int16.Type: "a whole number from \(Int16.min) to \(Int16.max)"
        case is Int8.Type: "a whole number from \(Int8.min) to \(Int8.max)"
        default: "a whole number from \(Int64.min) to \(Int64.max)"
        }
    }

    private func kindName(_ kind: JSONLineDecoder.Kind) -> String {
        switch kind {
        case .object: "an object"
        case .array: "an array"
        case .string: "a string"
        case .number: "a number"
        case .true, .false: "true or false"
        case .null: "null"
        }
    }
}

extension JSONLineDecoder.Scanner {
    /// What is at the failure, as a message quotes it: a word (`NaN`, `Infinity`), a
    /// character, or the end of the line.
    var shown: String {
        guard at < bytes.count else { return "the end of the line" }
        var end = at
        while end < bytes.count, end - at < 24, Self.isWordByte(bytes[end]) { end += 1 }
        if end == at { end = at + 1 }
        let text = String(decoding: UnsafeRawBufferPointer(rebasing: bytes[at..<end]), as: UTF8.self)
        return text.unicodeScalars.allSatisfy({ $0.value >= 0x20 && $0.value < 0x7F })
            ? "'\(text)'" : "byte 0x\(String(bytes[at], radix: 16))"
    }

    fileprivate static func isWordByte(_ b: UInt8) -> Bool {
        b &- 0x30 < 10 || (b | 0x20) &- 0x61 < 26 || b == UInt8(ascii: "-") || b == UInt8(ascii: "+") || b == UInt8(ascii: ".")
    }
}
