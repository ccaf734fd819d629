import Foundation
import MeshCore
import Yams

/// One YAML node and where it sits (file and key path), so that every value read from it can
/// fail with `FILE:LINE: KEY.PATH: message`.
struct Field {
    let node: Node
    /// `services[0].endpoints[1].id`; empty for the document root.
    let path: String
    let file: String

    var line: Int? { node.mark?.line }

    func error(_ message: String) -> ConfigError {
        ConfigError(file: file, line: line, key: path.isEmpty ? nil : path, message: message)
    }

    func child(_ key: String, _ node: Node) -> Field {
        Field(node: node, path: path.isEmpty ? key : "\(path).\(key)", file: file)
    }

    // MARK: Scalars

    private var plain: String? {
        guard case .scalar(let s) = node, s.style == .plain || s.style == .any else { return nil }
        return s.string
    }

    /// A single value, not a list or mapping (`tls: auto` rather than `tls: {cert, key}`).
    var isScalar: Bool { node.scalar != nil }

    /// `null`, `~` or nothing at all (`key:`), as YAML means it.
    var isNull: Bool {
        guard let p = plain else { return false }
        return ["", "~", "null", "Null", "NULL"].contains(p)
    }

    /// How a wrong value is named in a message: `'text'`, `a list`, `a mapping`.
    var shown: String {
        switch node {
        case .scalar(let s): isNull ? "null" : "'\(Self.oneLine(s.string))'"
        case .sequence: "a list"
        case .mapping: "a mapping"
        case .alias: "an alias"
        }
    }

    /// A value as an error line may show it: control characters escaped (a plain scalar can
    /// span lines, and an error is one line), and so are bidirectional controls (UAX #9's
    /// explicit formatting characters), which would reorder the rest of the line in a
    /// terminal that implements bidi.
    static func oneLine(_ value: String) -> String {
        var out = ""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20 || scalar.value == 0x7F || (0x80..<0xA0).contains(scalar.value)
                || scalar.value == 0x2028 || scalar.value == 0x2029
                || scalar.value == 0x061C || scalar.value == 0x200E || scalar.value == 0x200F
                || (0x202A...0x202E).contains(scalar.value) || (0x2066...0x2069).contains(scalar.value):
                out += "\\u{\(String(scalar.value, radix: 16))}"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    /// Any scalar but null, as written: `id: 1` is the id "1".
    func string() throws(ConfigError) -> String {
        guard case .scalar(let s) = node, !isNull else { throw error("expected a string, got \(shown)") }
        return s.string
    }

    /// A string that is not empty or blank.
    func text() throws(ConfigError) -> String {
        let s = try string()
        guard !s.allSatisfy(\.isWhitespace) else { throw error("must not be empty") }
        return s
    }

    /// A whole number (plain, not quoted).
    func int() throws(ConfigError) -> Int {
        guard let p = plain?.replacingOccurrences(of: "_", with: ""), let value = Int(p) else {
            // Digits too many for an Int are a number out of range, not a wrong type.
            if let p = plain, let huge = Double(p.replacingOccurrences(of: "_", with: "")), huge == huge.rounded() {
                throw error("\(p) is out of range (whole numbers here are within ±\(Int.max))")
            }
            throw error("expected a whole number, got \(shown)")
        }
        return value
    }

    /// A whole number in `range`; `what` names it in the message (`threshold must be at least 1, got 0`).
    func int(in range: ClosedRange<Int>, _ what: String = "") throws(ConfigError) -> Int {
        let value = try int()
        let name = what.isEmpty ? "" : what + " "
        guard value >= range.lowerBound else { throw error("\(name)must be at least \(range.lowerBound), got \(value)") }
        guard value <= range.upperBound else { throw error("\(name)must be at most \(range.upperBound), got \(value)") }
        return value
    }

    /// Any finite number (plain, not quoted).
    func number() throws(ConfigError) -> Double {
        guard let p = plain, let value = Double(p.replacingOccurrences(of: "_", with: "")), value.isFinite else {
            throw error("expected a number, got \(shown)")
        }
        return value
    }

    /// A number in `range`, named `what` in the message.
    func number(in range: ClosedRange<Double>, _ what: String = "") throws(ConfigError) -> Double {
        let value = try number()
        let name = what.isEmpty ? "" : what + " "
        guard range.contains(value) else {
            let bound = value < range.lowerBound ? "at least \(Self.show(range.lowerBound))" : "at most \(Self.show(range.upperBound))"
            throw error("\(name)must be \(bound), got \(Self.show(value))")
        }
        return value
    }

    /// `1000000` rather than `1e+06`, and no `.0` on whole numbers.
    static func show(_ v: Double) -> String {
        v == v.rounded() && abs(v) < 1e15 ? String(Int(v)) : String(v)
    }

    func bool() throws(ConfigError) -> Bool {
        switch plain {
        case "true", "True", "TRUE", "yes", "Yes", "YES", "on", "On", "ON": return true
        case "false", "False", "FALSE", "no", "No", "NO", "off", "Off", "OFF": return false
        default: throw error("expected true or false, got \(shown)")
        }
    }

    /// Seconds, from `250ms`, `1s`, `1.5s`, `2m`, within `range`. A bare number is refused: its
    /// unit would be a guess.
    func duration(in range: ClosedRange<Double>) throws(ConfigError) -> Double {
        guard case .scalar(let s) = node, !isNull, let seconds = MeshDuration.seconds(s.string) else {
            throw error("bad duration \(shown) (expected a number with a unit: 250ms, 1s, 1.5s, 2m)")
        }
        guard seconds >= range.lowerBound else {
            throw error("must be at least \(MeshDuration.format(range.lowerBound)), got \(s.string.trimmingCharacters(in: .whitespaces))")
        }
        guard seconds <= range.upperBound else {
            throw error("must be at most \(MeshDuration.format(range.upperBound)), got \(s.string.trimmingCharacters(in: .whitespaces))")
        }
        return seconds
    }

    /// A percentage in 0...100, written `50` or `50%`.
    func percent() throws(ConfigError) -> Double {
        guard case .scalar(let s) = node, !isNull else { throw error("expected a percentage, got \(shown)") }
        let raw = s.string.trimmingCharacters(in: .whitespaces)
        let digits = raw.hasSuffix("%") ? String(raw.dropLast()) : raw
        guard let value = Double(digits), value.isFinite else { throw error("expected a percentage, got \(shown)") }
        guard (0...100).contains(value) else { throw error("percentage \(raw) is outside 0...100") }
        return value
    }

    /// A fraction in 0...1, written `0.001` or `0.1%`.
    func fraction() throws(ConfigError) -> Double {
        guard case .scalar(let s) = node, !isNull else { throw error("expected a fraction, got \(shown)") }
        let raw = s.string.trimmingCharacters(in: .whitespaces)
        if raw.hasSuffix("%") { return try percent() / 100 }
        let value = try number()
        guard (0...1).contains(value) else {
            throw error("\(raw) is outside 0...1 (a fraction: write 0.05 or 5%)")
        }
        return value
    }

    /// A name usable in `SERVICE/ENDPOINT` and `zone:NAME`: letters, digits, `-`, `_`, `.`.
    func name() throws(ConfigError) -> String {
        let s = try text()
        guard s.unicodeScalars.allSatisfy({ $0.properties.isAlphabetic || ("0"..."9").contains($0) || "-_.".unicodeScalars.contains($0) }) else {
            throw error("bad name '\(Self.oneLine(s))' (use letters, digits, '-', '_' and '.')")
        }
        return s
    }

    // MARK: Collections

    /// The items of a list, each with its `[i]` path.
    func list() throws(ConfigError) -> [Field] {
        guard case .sequence(let seq) = node else { throw error("expected a list, got \(shown)") }
        return seq.enumerated().map { Field(node: $1, path: "\(path)[\($0)]", file: file) }
    }

    func strings() throws(ConfigError) -> [String] {
        var out: [String] = []
        for item in try list() { out.append(try item.text()) }
        return out
    }

    /// A mapping of strings to strings (`metadata:`).
    func stringMap() throws(ConfigError) -> [String: String] {
        guard case .mapping(let map) = node else { throw error("expected a mapping, got \(shown)") }
        var out: [String: String] = [:]
        for (key, value) in map {
            let k = try Field(node: key, path: path, file: file).string()
            out[k] = try child(k, value).string()
        }
        return out
    }

    /// The value of `key` when this is a mapping that has it (for pointing at an already checked key).
    func lookup(_ key: String) -> Field? {
        guard case .mapping(let map) = node, let value = map[key] else { return nil }
        return child(key, value)
    }

    /// A mapping whose keys must all be among `keys`; an unknown one fails with the closest match.
    func object(_ keys: [String]) throws(ConfigError) -> FieldMap {
        guard case .mapping(let map) = node else { throw error("expected a mapping, got \(shown)") }
        var fields: [String: Field] = [:]
        for (key, value) in map {
            let keyField = Field(node: key, path: path, file: file)
            guard case .scalar(let k) = key else { throw keyField.error("keys must be strings, got \(keyField.shown)") }
            guard keys.contains(k.string) else {
                throw child(k.string, key).error(KeySuggestion.unknownKey(k.string, known: keys))
            }
            fields[k.string] = child(k.string, value)
        }
        return FieldMap(owner: self, fields: fields)
    }
}
