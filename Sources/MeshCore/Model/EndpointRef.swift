/// `SERVICE/ENDPOINT`: how an endpoint is named everywhere (CLI, API, recordings, UI).
public struct EndpointRef: Hashable, Comparable, Sendable, CustomStringConvertible {
    public var service: String
    public var endpoint: String

    public init(service: String, endpoint: String) {
        self.service = service
        self.endpoint = endpoint
    }

    /// Parses `SERVICE/ENDPOINT`; nil unless both halves are non-empty.
    public init?(_ text: String) {
        guard let slash = text.firstIndex(of: "/") else { return nil }
        let s = String(text[..<slash]), e = String(text[text.index(after: slash)...])
        guard !s.isEmpty, !e.isEmpty, !e.contains("/") else { return nil }
        self.init(service: s, endpoint: e)
    }

    public var description: String { "\(service)/\(endpoint)" }

    public static func < (a: Self, b: Self) -> Bool {
        (a.service, a.endpoint) < (b.service, b.endpoint)
    }
}
