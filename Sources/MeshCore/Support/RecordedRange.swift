/// The range of every number a recording carries (and the admin API's mesh, which is the same
/// JSON), checked as it is decoded: a hand-edited or damaged file cannot hand `MeshState.apply`, the
/// dashboard or the run summary a value their arithmetic would trap on. `docs/limits.md` lists
/// them beside the config's.
public enum RecordedRange {
    /// `t`, `time`, `since`: seconds of mesh time (about 31 years).
    public static let time: ClosedRange<Double> = 0...1e9
    /// Requests and errors per second, and the sparkline's history.
    public static let rate: ClosedRange<Double> = 0...1e9
    /// Requests in flight.
    public static let active = 0...1_000_000_000
    /// Latency percentiles, seconds.
    public static let latency: ClosedRange<Double> = 0...1e6
    /// A latency window's sum of latencies, seconds.
    public static let latencySum: ClosedRange<Double> = 0...1e15
    /// An alert's measured value, in its metric's unit.
    public static let alertValue: ClosedRange<Double> = -1e15...1e15
    /// A percentage (a panic's healthy share).
    public static let percent: ClosedRange<Double> = 0...100
}

extension KeyedDecodingContainer {
    /// A number that must lie in `range`; outside it is a `dataCorrupted` error at `key`.
    func decode<T: Comparable & Decodable & CustomStringConvertible>(
        _ type: T.Type, forKey key: Key, in range: ClosedRange<T>
    ) throws -> T {
        try check(try decode(type, forKey: key), key, range)
    }

    func decodeIfPresent<T: Comparable & Decodable & CustomStringConvertible>(
        _ type: T.Type, forKey key: Key, in range: ClosedRange<T>
    ) throws -> T? {
        try decodeIfPresent(type, forKey: key).map { try check($0, key, range) }
    }

    private func check<T: Comparable & CustomStringConvertible>(_ value: T, _ key: Key, _ range: ClosedRange<T>) throws -> T {
        guard range.contains(value) else {
            throw DecodingError.dataCorruptedError(forKey: key, in: self,
                debugDescription: "\(value) is outside \(range.lowerBound)...\(range.upperBound)")
        }
        return value
    }
}
