/// Endpoints are written `SERVICE/ENDPOINT` in recordings and API bodies.
extension EndpointRef: Codable {
    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let ref = EndpointRef(text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath,
                debugDescription: "expected SERVICE/ENDPOINT, got '\(text)'"))
        }
        self = ref
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(description)
    }
}
