/// One endpoint's load over the last sample window. Latencies in seconds.
public struct EndpointLoad: Codable, Sendable, Equatable {
    public var rps: Double
    public var active: Int
    public var p50: Double
    public var p99: Double
    /// Failed requests per second.
    public var errors: Double
    /// The window's latencies per bucket, in samples of windows that had requests. The state
    /// keeps only the figures above (see `MeshState.applySample`); `/metrics` sums these.
    public var latency: LatencyWindow?
    /// How the service's balancer sees the endpoint at the end of the window; nil when it is
    /// not in the balancer's set (or the source keeps no view).
    public var balancer: BalancerView?
    /// The window's active health-check results, oldest first; nil when none ran.
    public var checks: [CheckMark]?
    /// Passive outlier detection's record of the endpoint; nil when the service has none.
    public var outlier: OutlierRecord?
    /// The window's HTTP responses by status class; nil for TCP and for recordings made before
    /// they were kept.
    public var codes: StatusClasses?
    /// Connections open to the endpoint at the end of the window (pooled ones included); nil
    /// where the source does not know (demo, older recordings). For TCP, `active` is the same.
    public var connections: Int?
    /// How traffic to the endpoint is secured; nil: plain.
    public var tls: EndpointTLS?

    public init(rps: Double = 0, active: Int = 0, p50: Double = 0, p99: Double = 0, errors: Double = 0,
                latency: LatencyWindow? = nil, balancer: BalancerView? = nil, checks: [CheckMark]? = nil,
                outlier: OutlierRecord? = nil, codes: StatusClasses? = nil, connections: Int? = nil) {
        self.rps = rps; self.active = active; self.p50 = p50; self.p99 = p99; self.errors = errors
        self.latency = latency; self.balancer = balancer; self.checks = checks; self.outlier = outlier
        self.codes = codes; self.connections = connections
    }

    public static let idle = EndpointLoad()

    /// One sample window as every mode measures it: rates per second over `window` seconds,
    /// p50 and p99 from the window's latencies (`LatencyHistogram.quantile`, the one place
    /// percentiles are computed), and its Prometheus buckets when it had requests: `buckets`
    /// where they were counted exactly (the proxy), else from the histogram (the simulator).
    public init(window: Double, requests: Double, errors: Double, active: Int, latencies: LatencyHistogram,
                buckets: LatencyWindow? = nil) {
        self.init(rps: requests / window, active: active,
                  p50: latencies.quantile(0.5), p99: latencies.quantile(0.99), errors: errors / window,
                  latency: latencies.total == 0 ? nil : buckets ?? LatencyWindow(latencies))
    }

    /// Several endpoints' loads as one: rates and requests in flight summed, p50 and p99
    /// averaged by each one's share of the requests (an estimate: percentiles do not add up,
    /// and a mesh-wide histogram is not kept). The one place such totals are summed: a
    /// service's row, a zone's row and the header all read it.
    public static func total(_ loads: some Sequence<EndpointLoad>) -> EndpointLoad {
        var total = EndpointLoad()
        for load in loads { total.add(load) }
        return total.averaged()
    }

    /// `total` of the endpoints at the indices `included` accepts, each one's figures read in
    /// place: a copy of each endpoint (or of its whole load) retains every array in it, which
    /// was most of a 10,000-endpoint frame. Summed as `add` sums.
    public static func total(of endpoints: [Endpoint], where included: (Int) -> Bool = { _ in true }) -> EndpointLoad {
        var total = EndpointLoad()
        for i in endpoints.indices where included(i) {
            let load = endpoints[i].figures
            total.rps += load.rps; total.active += load.active; total.errors += load.errors
            total.p50 += load.p50 * load.rps; total.p99 += load.p99 * load.rps
        }
        return total.averaged()
    }

    /// Sums (latencies weighted by requests) until `averaged`.
    @inline(__always)
    private mutating func add(_ load: borrowing EndpointLoad) {
        rps += load.rps; active += load.active; errors += load.errors
        p50 += load.p50 * load.rps; p99 += load.p99 * load.rps
    }

    private func averaged() -> EndpointLoad {
        guard rps > 0 else { return self }
        var total = self
        total.p50 /= rps; total.p99 /= rps
        return total
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        rps = try c.decode(Double.self, forKey: .rps, in: RecordedRange.rate)
        active = try c.decode(Int.self, forKey: .active, in: RecordedRange.active)
        p50 = try c.decode(Double.self, forKey: .p50, in: RecordedRange.latency)
        p99 = try c.decode(Double.self, forKey: .p99, in: RecordedRange.latency)
        errors = try c.decode(Double.self, forKey: .errors, in: RecordedRange.rate)
        latency = try c.decodeIfPresent(LatencyWindow.self, forKey: .latency)
        balancer = try c.decodeIfPresent(BalancerView.self, forKey: .balancer)
        checks = try c.decodeIfPresent([CheckMark].self, forKey: .checks)
        outlier = try c.decodeIfPresent(OutlierRecord.self, forKey: .outlier)
        codes = try c.decodeIfPresent(StatusClasses.self, forKey: .codes)
        connections = try c.decodeIfPresent(Int.self, forKey: .connections, in: RecordedRange.active)
        tls = try c.decodeIfPresent(EndpointTLS.self, forKey: .tls)
    }
}
