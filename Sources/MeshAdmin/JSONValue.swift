/// A JSON value as the client wrote it (RFC 8259), so that a string is told from a number and a
/// number from a boolean, as Consul's Go decoder tells them apart. Objects keep their members in
/// order, duplicates included: Go's `encoding/json` matches a key to a struct field in any case
/// and the last match wins, and mesh-top's own admin bodies refuse a key given twice. Numbers
/// keep their text, so that `1e400` is quoted back as written, not as `inf`.
enum JSONValue: Sendable {
    case null
    case bool(Bool)
    case number(String)
    case string(String)
    case array([JSONValue])
    case object([(key: String, value: JSONValue)])

    /// The member named `key` in any case, the last one given when several match (Go's
    /// `encoding/json`); nil when absent or `null`, as Go leaves the field unset.
    subscript(key: String) -> JSONValue? {
        guard case .object(let members) = self else { return nil }
        let lowered = key.lowercased()
        guard let found = members.last(where: { $0.key == key || $0.key.lowercased() == lowered })?.value else { return nil }
        if case .null = found { return nil }
        return found
    }

    /// The number's value; nil for anything else.
    var double: Double? {
        guard case .number(let text) = self else { return nil }
        return Double(text)
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
