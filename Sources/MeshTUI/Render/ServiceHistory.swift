import MeshCore

/// A service's recent load over the last `width` samples of its endpoints (histories aligned on
/// their newest sample): the sum of each column, for the service row's sparkline, and the
/// highest sample, the one scale its endpoints' sparklines share. One pass over the endpoints,
/// read in place, eight columns at a time; each column is still summed in endpoint order, so
/// the sums are the very ones adding one endpoint at a time gave. It was two passes of one
/// sample at a time, most of a 10,000-endpoint frame.
struct ServiceHistory {
    /// The last `samples` columns' sums (as many as the longest history has, up to `width`).
    private(set) var sums: [Float]
    /// The highest sample in the columns, 0 when none is above 0.
    private(set) var peak: Float = 0

    init(_ endpoints: [Endpoint], width: Int) {
        let width = max(0, width)
        // Columns in whole vectors: the extra ones, left of the `width` kept, take the older
        // samples of histories long enough to have them, and are dropped at the end.
        let padded = (width + 7) / 8 * 8
        var sums = [Float](repeating: 0, count: padded)
        var highest = [Float](repeating: 0, count: padded)
        var samples = 0
        sums.withUnsafeMutableBufferPointer { sums in
            highest.withUnsafeMutableBufferPointer { highest in
                endpoints.withUnsafeBufferPointer { endpoints in
                    for e in endpoints.indices {
                        let n = endpoints[e].history.count
                        samples = max(samples, min(n, width))
                        endpoints[e].history.withSamples { Self.add($0, width: width, sums, highest) }
                    }
                }
            }
        }
        let kept = highest[(padded - width)...]
        // As `Sparkline.peak`: only samples above the peak so far raise it (NaN never does).
        for h in kept where h > peak { peak = h }
        self.sums = Array(sums.suffix(samples))
    }

    /// Adds one history's last `width` samples (or all it has) into the end of `sums`, and
    /// raises `highest` to them: eight columns at a time when it has samples for every column
    /// of `sums`, else one at a time.
    @inline(__always)
    private static func add(_ history: UnsafeBufferPointer<Float>, width: Int, _ sums: UnsafeMutableBufferPointer<Float>,
                            _ highest: UnsafeMutableBufferPointer<Float>) {
        guard let samples = history.baseAddress, let sum = sums.baseAddress, let high = highest.baseAddress else { return }
        let n = history.count
        if n >= sums.count {
            let from = samples + (n - sums.count)
            var j = 0
            while j < sums.count {
                let v = UnsafeRawPointer(from + j).loadUnaligned(as: SIMD8<Float>.self)
                let s = UnsafeMutableRawPointer(sum + j), h = UnsafeMutableRawPointer(high + j)
                s.storeBytes(of: s.loadUnaligned(as: SIMD8<Float>.self) + v, as: SIMD8<Float>.self)
                var top = h.loadUnaligned(as: SIMD8<Float>.self)
                top.replace(with: v, where: v .> top)
                h.storeBytes(of: top, as: SIMD8<Float>.self)
                j += 8
            }
            return
        }
        let k = min(n, width), base = sums.count - k, from = n - k
        for j in 0..<k {
            let v = samples[from + j]
            sum[base + j] += v
            if v > high[base + j] { high[base + j] = v }
        }
    }
}
