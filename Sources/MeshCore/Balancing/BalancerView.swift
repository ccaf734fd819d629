/// How one balancer sees one endpoint right now: what it would use to decide the next pick.
/// Carried in `sample` events (so recordings and replays show it), `GET /v1/mesh`, the
/// dashboard's detail pane and `mesh-top ctl status --explain`.
public struct BalancerView: Codable, Sendable, Equatable {
    /// Effective weight as the balancer uses it: operator weight × 100 (the planner's scale),
    /// after slow start. Round-robin uses only its slow-start part.
    public var weight: UInt32
    /// Slow start's factor (0.1 up to 1) while the endpoint ramps up; nil once at full weight.
    public var slowStart: Double?
    /// Fraction of the service's picks this endpoint gets at equal load (weighted kinds), or
    /// of the hash space it owns (ring-hash, Maglev), zone shares included.
    public var share: Double
    /// Requests in flight as this balancer counts them (summed over the data plane's loops).
    public var active: Int
    /// p2c-ewma: the peak-EWMA latency estimate now, in seconds; nil before its first answer.
    public var latency: Double?
    /// p2c-ewma: the cost it compares, estimate × (active + 1), in seconds; nil when unmeasured
    /// (no cost while idle, Finagle's penalty while its first requests are in flight).
    public var cost: Double?

    public init(weight: UInt32, slowStart: Double? = nil, share: Double, active: Int, latency: Double? = nil,
                cost: Double? = nil) {
        self.weight = weight; self.slowStart = slowStart; self.share = share; self.active = active
        self.latency = latency; self.cost = cost
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        weight = try c.decode(UInt32.self, forKey: .weight)
        slowStart = try c.decodeIfPresent(Double.self, forKey: .slowStart, in: 0...1)
        share = try c.decode(Double.self, forKey: .share, in: 0...1)
        active = try c.decode(Int.self, forKey: .active, in: RecordedRange.active)
        latency = try c.decodeIfPresent(Double.self, forKey: .latency, in: RecordedRange.latency)
        cost = try c.decodeIfPresent(Double.self, forKey: .cost, in: RecordedRange.latencySum)
    }

    /// One view from the views of several copies (one per event loop): the same tables, so
    /// the same weight and share; requests in flight add up; estimates are averaged.
    public static func merged(_ views: [BalancerView]) -> BalancerView? {
        guard var merged = views.first else { return nil }
        merged.active = views.reduce(0) { $0 + $1.active }
        let latencies = views.compactMap(\.latency), costs = views.compactMap(\.cost)
        merged.latency = latencies.isEmpty ? nil : latencies.reduce(0, +) / Double(latencies.count)
        merged.cost = costs.isEmpty ? nil : costs.reduce(0, +) / Double(costs.count)
        return merged
    }
}
