/// An endpoint's recent rps samples, oldest first: at most `capacity`, the oldest dropped as a
/// new one comes. Kept inline in the endpoint (no buffer of its own on the heap): a full minute
/// costs its 240 bytes of samples and nothing more, where an `[Float]` cost 288 (its header and
/// the allocator's rounding) and a copy on every sample after a snapshot shared it. Oldest at
/// index 0, as the array kept them, so a frame reads the samples straight. Encodes as the JSON
/// array of its samples, as the `[Float]` it replaced did.
public struct Sparkline: RandomAccessCollection, Sendable, Equatable, Codable, ExpressibleByArrayLiteral {
    /// A minute at the default 1 s cadence (`Endpoint.historyLength`).
    public static let capacity = 60

    // Inlinable reads: a frame reads every sample of every endpoint (600,000 at 10,000).
    @usableFromInline var storage = InlineArray<60, Float>(repeating: 0)
    @usableFromInline var length: UInt8 = 0

    public init() {}

    /// The last `capacity` of `samples`.
    public init(_ samples: some Sequence<Float>) {
        for sample in samples { append(sample) }
    }

    public init(arrayLiteral samples: Float...) { self.init(samples) }

    @inlinable public var startIndex: Int { 0 }
    @inlinable public var endIndex: Int { Int(length) }

    @inlinable public subscript(position: Int) -> Float {
        precondition(position < Int(length), "sparkline index out of range")
        return storage[position]
    }

    /// The highest of the last `count` samples (0 when none), read in place as contiguous
    /// memory: a frame takes it of every endpoint, 600,000 samples at 10,000.
    @inlinable public func peak(ofLast count: Int) -> Float {
        let n = Int(length), from = Swift.max(0, n - count)
        return storage.span.withUnsafeBufferPointer { samples in
            var peak: Float = 0
            for v in samples[from..<n] where v > peak { peak = v }
            return peak
        }
    }

    /// Adds the last samples into the end of `sums`, newest onto its last element (histories
    /// aligned on their newest sample), read in place; returns how many were added.
    @inlinable public func addTail(into sums: UnsafeMutableBufferPointer<Float>) -> Int {
        let n = Int(length), k = Swift.min(n, sums.count), base = sums.count - k
        storage.span.withUnsafeBufferPointer { samples in
            for j in 0..<k { sums[base + j] += samples[n - k + j] }
        }
        return k
    }

    /// Calls `body` with the samples, oldest first, in place (a frame sums and scales the
    /// histories of every endpoint of a service, several at a time).
    @inlinable public func withSamples<R>(_ body: (UnsafeBufferPointer<Float>) -> R) -> R {
        let n = Int(length)
        return storage.span.withUnsafeBufferPointer { body(UnsafeBufferPointer(rebasing: $0[..<n])) }
    }

    /// Adds the newest sample, dropping the oldest when full.
    public mutating func append(_ sample: Float) {
        if Int(length) == Self.capacity {
            // What `removeFirst` did to the array: 59 samples move down one.
            for i in 1..<Self.capacity { storage[i - 1] = storage[i] }
            storage[Self.capacity - 1] = sample
        } else {
            storage[Int(length)] = sample
            length += 1
        }
    }

    public static func == (l: Sparkline, r: Sparkline) -> Bool { l.elementsEqual(r) }

    public init(from decoder: any Decoder) throws {
        let samples = try decoder.singleValueContainer().decode([Float].self)
        guard samples.count <= Self.capacity else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath,
                                                    debugDescription: "at most \(Self.capacity) samples, got \(samples.count)"))
        }
        self.init(samples)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(Array(self))
    }
}
