/// A name from a fixed set, as recordings and API bodies write it (`"to":"healthy"`): one not
/// in the set is refused in our words, with the set, where the standard library's own decoding
/// says "Cannot initialize EndpointState from invalid String value ...".
public protocol RecordedName: RawRepresentable, CaseIterable, Decodable where RawValue == String {}

extension RecordedName {
    /// Throws `dataCorrupted` at the value's path: `unknown value 'zombie' (expected unknown, healthy, ...)`.
    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let value = Self(rawValue: text) else {
            let names = Self.allCases.map(\.rawValue).joined(separator: ", ")
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath,
                                                    debugDescription: "unknown value '\(text)' (expected \(names))"))
        }
        self = value
    }
}
