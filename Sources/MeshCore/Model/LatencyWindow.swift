/// The latencies of one sample window, counted in Prometheus-style buckets, so that
/// `/metrics` can expose a real histogram in every mode (summed from the samples, as the
/// totals are) and a replay exposes the same one.
public struct LatencyWindow: Codable, Sendable, Equatable {
    /// Upper bounds in seconds (`le`); `buckets` has one more count, for everything above.
    public static let bounds: [Double] = [
        0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10,
    ]

    /// Requests per bucket (not cumulative).
    public var buckets: [UInt32]
    /// Sum of the latencies, seconds.
    public var sum: Double

    public init(buckets: [UInt32], sum: Double) {
        self.buckets = buckets; self.sum = sum
    }

    /// From a window's fine histogram: each of its buckets counted at its middle value.
    public init(_ histogram: LatencyHistogram) {
        var buckets = [UInt32](repeating: 0, count: Self.bounds.count + 1)
        histogram.forEachBucket { value, count in
            buckets[Self.bucket(of: value)] &+= count
        }
        self.init(buckets: buckets, sum: histogram.sum)
    }

    /// Index of the first bound at or above `seconds` (the last bucket above all bounds).
    /// Inlinable: the proxy calls it once per request.
    @inlinable
    public static func bucket(of seconds: Double) -> Int {
        var i = 0
        while i < bounds.count, seconds > bounds[i] { i += 1 }
        return i
    }

    public var count: UInt64 { buckets.reduce(0) { $0 + UInt64($1) } }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        buckets = try c.decode([UInt32].self, forKey: .buckets)
        guard buckets.count == Self.bounds.count + 1 else {
            throw DecodingError.dataCorruptedError(forKey: .buckets, in: c,
                debugDescription: "\(buckets.count) buckets, expected \(Self.bounds.count + 1)")
        }
        sum = try c.decode(Double.self, forKey: .sum, in: RecordedRange.latencySum)
    }
}
