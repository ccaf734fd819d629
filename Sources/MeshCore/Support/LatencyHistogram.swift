/// A fixed-size log-linear latency histogram (HdrHistogram's layout with 3 sub-bucket bits:
/// about 12% precision from 1 µs to hours). Recording is a few integer ops and never allocates,
/// so it sits on the request path of the simulator and the proxy.
public struct LatencyHistogram: Sendable, Equatable {
    static let subBits = 3
    static let subCount = 1 << subBits
    static let bucketCount = (64 - subBits) * subCount

    private var counts: [UInt32]
    public private(set) var total: Int = 0
    /// Sum of the recorded latencies, seconds.
    public private(set) var sum: Double = 0

    public init() { counts = Array(repeating: 0, count: LatencyHistogram.bucketCount) }

    /// Records a latency in seconds.
    @inline(__always)
    public mutating func record(_ seconds: Double) {
        // Concrete conversion (the generic saturating one is a tenth of a simulated request);
        // NaN and negatives count as 0, as there.
        let scaled = seconds * 1e6
        let micros: UInt64 = scaled > 0 ? UInt64(min(scaled, 1e15)) : 0
        counts[Self.index(micros)] &+= 1
        total += 1
        sum += max(0, seconds)
    }

    @inline(__always)
    static func index(_ micros: UInt64) -> Int {
        if micros < UInt64(subCount) { return Int(micros) }
        let top = 63 - micros.leadingZeroBitCount           // position of the highest bit
        let shift = top - subBits
        let sub = Int((micros >> UInt64(shift)) & UInt64(subCount - 1))
        return (shift + 1) * subCount + sub
    }

    /// The middle of a bucket, in seconds.
    static func value(ofBucket i: Int) -> Double {
        if i < subCount { return Double(i) / 1e6 }
        let shift = i / subCount - 1
        let sub = i % subCount
        let low = Double((UInt64(subCount) | UInt64(sub)) << UInt64(shift))
        let width = Double(UInt64(1) << UInt64(shift))
        return (low + width / 2) / 1e6
    }

    /// The latency under which `fraction` of the recorded requests fell (0 when empty).
    public func quantile(_ fraction: Double) -> Double {
        guard total > 0 else { return 0 }
        let rank = max(1, Int((fraction * Double(total)).rounded(.up)))
        var seen = 0
        for i in counts.indices {
            seen += Int(counts[i])
            if seen >= rank { return Self.value(ofBucket: i) }
        }
        return Self.value(ofBucket: counts.count - 1)
    }

    public mutating func reset() {
        guard total > 0 else { return }
        for i in counts.indices { counts[i] = 0 }
        total = 0
        sum = 0
    }

    public mutating func merge(_ other: LatencyHistogram) {
        for i in counts.indices { counts[i] &+= other.counts[i] }
        total += other.total
        sum += other.sum
    }

    /// What was recorded since `earlier` (an earlier copy of the same running histogram): one
    /// window of a histogram that only grows, as the proxy's counters do.
    public func since(_ earlier: LatencyHistogram) -> LatencyHistogram {
        var window = self
        window.total = 0
        for i in counts.indices {
            window.counts[i] = counts[i] &- min(earlier.counts[i], counts[i])
            window.total += Int(window.counts[i])
        }
        window.sum = max(0, sum - earlier.sum)
        return window
    }

    /// Every non-empty bucket: its middle value in seconds and its count.
    public func forEachBucket(_ body: (Double, UInt32) -> Void) {
        guard total > 0 else { return }
        for i in counts.indices where counts[i] > 0 { body(Self.value(ofBucket: i), counts[i]) }
    }
}
