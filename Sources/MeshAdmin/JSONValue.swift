import Foundation

/// A JSON value as the client wrote it, so that a string is told from a number and a number from
/// a boolean: Consul's Go decoder refuses each where another is expected. Objects are looked up
/// as Go's `encoding/json` matches struct fields: the exact key first, else any case.
enum JSONValue: Decodable, Sendable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        if c.decodeNil() { self = .null }
        // Probing which JSON type the value is: a mismatch tries the next.
        else if let b = try? c.decode(Bool.self) { self = .bool(b) }
        else if let n = try? c.decode(Double.self) { self = .number(n) }
        else if let s = try? c.decode(String.self) { self = .string(s) }
        else if let a = try? c.decode([JSONValue].self) { self = .array(a) }
        else { self = .object(try c.decode([String: JSONValue].self)) }
    }

    /// The member named `key` in any case (nil when absent or `null`, as Go leaves the field unset).
    subscript(key: String) -> JSONValue? {
        guard case .object(let members) = self else { return nil }
        let found = members[key] ?? members.first { $0.key.caseInsensitiveCompare(key) == .orderedSame }?.value
        if case .null = found { return nil }
        return found
    }

    /// What a message calls it: `a string`, `a number`, ...
    var kind: String {
        switch self {
        case .null: "null"
        case .bool: "a boolean"
        case .number: "a number"
        case .string: "a string"
        case .array: "a list"
        case .object: "an object"
        }
    }
}
