/// What a run did so far, per endpoint, counted from its events: requests, errors, state changes
/// and the latency histogram. The one home of running totals: the headless summary table and
/// `/metrics`' counters both read it.
public struct RunSummary: Sendable {
    public struct Row: Sendable {
        public var requests: Double = 0
        public var errors: Double = 0
        public var stateChanges = 0
        /// Requests per latency bucket of `LatencyWindow.bounds` (+1 above), and their sum.
        public var latencyBuckets = [UInt64](repeating: 0, count: LatencyWindow.bounds.count + 1)
        public var latencySum: Double = 0
        /// Responses by status class; nil while no sample had any (TCP, older recordings).
        public var codes: StatusClasses?

        public init() {}
    }

    public private(set) var rows: [EndpointRef: Row] = [:]
    public private(set) var events = 0
    public private(set) var failovers = 0
    public private(set) var lastSample: Double = 0

    public init() {}

    public mutating func count(_ event: MeshEvent) {
        events += 1
        switch event.body {
        case .sample(let sample):
            let window = event.t - lastSample
            lastSample = event.t
            for entry in sample.endpoints {
                rows[entry.endpoint, default: Row()].requests += entry.load.rps * window
                rows[entry.endpoint, default: Row()].errors += entry.load.errors * window
                if let latency = entry.load.latency { rows[entry.endpoint, default: Row()].add(latency) }
                if let codes = entry.load.codes { rows[entry.endpoint, default: Row()].codes = (rows[entry.endpoint]?.codes ?? StatusClasses()).adding(codes) }
            }
        case .endpointState(let change):
            rows[change.endpoint, default: Row()].stateChanges += 1
        case .failover:
            failovers += 1
        default:
            break
        }
    }
}

extension RunSummary.Row {
    mutating func add(_ window: LatencyWindow) {
        for (i, n) in window.buckets.enumerated() where i < latencyBuckets.count { latencyBuckets[i] += UInt64(n) }
        latencySum += window.sum
    }
}
