/// Responses by status class (1xx to 5xx) over a sample window, as Envoy's
/// `upstream_rq_<class>xx` counters keep them; recorded as `[1xx, 2xx, 3xx, 4xx, 5xx]`.
/// A response the proxy makes up for an endpoint it could not reach or that did not answer in
/// time (502, 503, 504) counts as that endpoint's 5xx, as Envoy counts it; the demo's simulated
/// endpoints answer 200 or, when they fail, 503.
public struct StatusClasses: Codable, Sendable, Equatable {
    /// Counts per class; index 0 is 1xx.
    public var counts: [UInt64]

    public init(_ counts: [UInt64] = [0, 0, 0, 0, 0]) {
        precondition(counts.count == 5, "five status classes")
        self.counts = counts
    }

    /// The class label Prometheus users expect (`code="2xx"`), by index.
    public static let labels = ["1xx", "2xx", "3xx", "4xx", "5xx"]

    public subscript(statusClass: Int) -> UInt64 { counts[statusClass] }

    /// Counts one response with `status` (100 to 599; others are not responses).
    @inlinable
    public mutating func count(status: Int) {
        let i = status / 100 - 1
        if i >= 0, i < 5 { counts[i] &+= 1 }
    }

    public mutating func add(_ other: StatusClasses) {
        for i in counts.indices { counts[i] &+= other.counts[i] }
    }

    public func adding(_ other: StatusClasses) -> StatusClasses {
        var sum = self
        sum.add(other)
        return sum
    }

    public init(from decoder: any Decoder) throws {
        let counts = try decoder.singleValueContainer().decode([UInt64].self)
        guard counts.count == 5 else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath,
                                                    debugDescription: "expected five counts (1xx to 5xx), got \(counts.count)"))
        }
        self.counts = counts
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(counts)
    }
}
