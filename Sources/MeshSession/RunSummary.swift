public import MeshCore

/// What a run did, per endpoint, for the table printed at the end of a headless run.
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

    /// A fixed-width table: one row per endpoint, in the mesh's order.
    public func table(for state: MeshState) -> String {
        var lines = [pad("ENDPOINT", 28) + pad("STATE", 10) + lpad("REQUESTS", 10) + lpad("ERRORS", 8)
                     + lpad("SUCCESS", 9) + lpad("CHANGES", 8)]
        for service in state.services {
            for endpoint in service.endpoints {
                let ref = EndpointRef(service: service.name, endpoint: endpoint.id)
                let row = rows[ref] ?? Row()
                // No requests: no success rate (100% would claim answers nobody got).
                let success = row.requests >= 0.5 ? format1(100 * (1 - row.errors / row.requests)) + "%" : "-"
                lines.append(pad(ref.description, 28) + pad(endpoint.state.rawValue, 10)
                             + lpad(String(Int(saturating: row.requests.rounded())), 10) + lpad(String(Int(saturating: row.errors.rounded())), 8)
                             + lpad(success, 9) + lpad(String(row.stateChanges), 8))
            }
        }
        lines.append("\(events) events, \(failovers) failovers, \(state.alerts.count) alerts firing, mesh time \(format1(state.time))s")
        return lines.joined(separator: "\n")
    }

    private func pad(_ s: String, _ n: Int) -> String { s.count >= n ? s + " " : s + String(repeating: " ", count: n - s.count) }
    private func lpad(_ s: String, _ n: Int) -> String { s.count >= n ? " " + s : String(repeating: " ", count: n - s.count) + s }
    private func format1(_ v: Double) -> String { String((v * 10).rounded() / 10) }
}

extension RunSummary.Row {
    mutating func add(_ window: LatencyWindow) {
        for (i, n) in window.buckets.enumerated() where i < latencyBuckets.count { latencyBuckets[i] += UInt64(n) }
        latencySum += window.sum
    }
}
