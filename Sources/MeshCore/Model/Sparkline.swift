/// An endpoint's recent rps samples, oldest first: at most `Endpoint.historyLength`, the oldest
/// dropped as a new one comes. A ring kept inline in the endpoint (no buffer of its own on the
/// heap): a full minute costs its 240 bytes of samples and nothing more, where an `[Float]` cost
/// 288 (its header and the allocator's rounding) and a copy on every sample after a snapshot
/// shared it. Encodes as the JSON array of its samples, as the `[Float]` it replaced did.
public struct Sparkline: RandomAccessCollection, Sendable, Equatable, Codable, ExpressibleByArrayLiteral {
    /// A minute at the default 1 s cadence (`Endpoint.historyLength`).
    public static let capacity = 60

    private var storage = InlineArray<60, Float>(repeating: 0)
    /// Where the oldest sample is.
    private var start: UInt8 = 0
    private var length: UInt8 = 0

    public init() {}

    /// The last `capacity` of `samples`.
    public init(_ samples: some Sequence<Float>) {
        for sample in samples { append(sample) }
    }

    public init(arrayLiteral samples: Float...) { self.init(samples) }

    public var startIndex: Int { 0 }
    public var endIndex: Int { Int(length) }

    public subscript(position: Int) -> Float {
        precondition(position >= 0 && position < Int(length), "sparkline index out of range")
        return storage[(Int(start) + position) % Self.capacity]
    }

    /// Adds the newest sample, dropping the oldest when full.
    public mutating func append(_ sample: Float) {
        if Int(length) < Self.capacity {
            storage[(Int(start) + Int(length)) % Self.capacity] = sample
            length += 1
        } else {
            storage[Int(start)] = sample
            start = UInt8((Int(start) + 1) % Self.capacity)
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
