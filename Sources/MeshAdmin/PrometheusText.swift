import MeshCore

/// `/metrics` in the Prometheus text exposition format (0.0.4): per endpoint and per service,
/// from the session's state (gauges: the last sample window) and its running totals (counters).
enum PrometheusText {
    static func render(_ state: MeshState, totals: RunSummary) -> String {
        var out = Exposition()
        let endpoints = state.services.flatMap { service in
            service.endpoints.map { (service: service, endpoint: $0, ref: EndpointRef(service: service.name, endpoint: $0.id)) }
        }
        func labels(_ e: (service: Service, endpoint: Endpoint, ref: EndpointRef)) -> [(String, String)] {
            [("service", e.service.name), ("endpoint", e.endpoint.id), ("zone", e.endpoint.zone)]
        }

        out.family("mesh_endpoint_requests_total", "counter", "Requests the endpoint answered since the session started.")
        for e in endpoints { out.sample(labels(e), (totals.rows[e.ref]?.requests ?? 0).rounded()) }
        out.family("mesh_endpoint_errors_total", "counter", "Requests to the endpoint that failed since the session started.")
        for e in endpoints { out.sample(labels(e), (totals.rows[e.ref]?.errors ?? 0).rounded()) }
        out.family("mesh_endpoint_state_changes_total", "counter", "Times the endpoint changed state.")
        for e in endpoints { out.sample(labels(e), Double(totals.rows[e.ref]?.stateChanges ?? 0)) }
        out.family("mesh_endpoint_requests_per_second", "gauge", "Request rate over the last sample window.")
        for e in endpoints { out.sample(labels(e), e.endpoint.load.rps) }
        out.family("mesh_endpoint_errors_per_second", "gauge", "Failed requests per second over the last sample window.")
        for e in endpoints { out.sample(labels(e), e.endpoint.load.errors) }
        out.family("mesh_endpoint_active", "gauge", "Requests or connections in flight.")
        for e in endpoints { out.sample(labels(e), Double(e.endpoint.load.active)) }
        out.family("mesh_endpoint_latency_seconds", "histogram", "Latency of the endpoint's requests since the session started.")
        for e in endpoints {
            let row = totals.rows[e.ref] ?? RunSummary.Row()
            var cumulative: UInt64 = 0
            for (i, count) in row.latencyBuckets.enumerated() {
                cumulative += count
                let le = i < LatencyWindow.bounds.count ? Self.le(LatencyWindow.bounds[i]) : "+Inf"
                out.sample(labels(e) + [("le", le)], Double(cumulative), suffix: "_bucket")
            }
            out.sample(labels(e), row.latencySum, suffix: "_sum")
            out.sample(labels(e), Double(cumulative), suffix: "_count")
        }
        out.family("mesh_endpoint_latency_p50_seconds", "gauge", "Median latency over the last sample window.")
        for e in endpoints { out.sample(labels(e), e.endpoint.load.p50) }
        out.family("mesh_endpoint_latency_p99_seconds", "gauge", "99th percentile latency over the last sample window.")
        for e in endpoints { out.sample(labels(e), e.endpoint.load.p99) }
        out.family("mesh_endpoint_weight", "gauge", "Operator weight.")
        for e in endpoints { out.sample(labels(e), Double(e.endpoint.weight)) }
        out.family("mesh_endpoint_state", "gauge", "1 for the endpoint's current state, 0 for the others.")
        for e in endpoints {
            for state in EndpointState.allCases {
                out.sample(labels(e) + [("state", state.rawValue)], e.endpoint.state == state ? 1 : 0)
            }
        }

        let service = { (s: Service) in [("service", s.name)] }
        out.family("mesh_service_requests_total", "counter", "Requests the service's endpoints answered.")
        for s in state.services {
            out.sample(service(s), s.endpoints.reduce(0) { $0 + (totals.rows[EndpointRef(service: s.name, endpoint: $1.id)]?.requests ?? 0) }.rounded())
        }
        out.family("mesh_service_errors_total", "counter", "Requests to the service's endpoints that failed.")
        for s in state.services {
            out.sample(service(s), s.endpoints.reduce(0) { $0 + (totals.rows[EndpointRef(service: s.name, endpoint: $1.id)]?.errors ?? 0) }.rounded())
        }
        out.family("mesh_service_requests_per_second", "gauge", "Request rate over the last sample window.")
        for s in state.services { out.sample(service(s), s.load.rps) }
        out.family("mesh_service_endpoints", "gauge", "Endpoints registered.")
        for s in state.services { out.sample(service(s), Double(s.endpoints.count)) }
        out.family("mesh_service_healthy_endpoints", "gauge", "Endpoints passing their checks.")
        for s in state.services { out.sample(service(s), Double(s.healthyCount)) }
        out.family("mesh_service_panic", "gauge", "1 while the service is in panic (every endpoint used).")
        for s in state.services { out.sample(service(s), s.panic ? 1 : 0) }
        out.family("mesh_service_failover", "gauge", "1 while traffic has left the service's preferred zone.")
        for s in state.services { out.sample(service(s), s.failoverZone == nil ? 0 : 1) }

        out.family("ALERTS", "gauge", "Alerts now firing, as Prometheus names them.")
        for alert in state.alerts {
            out.sample([("alertname", alert.name), ("alertstate", "firing"), ("severity", alert.severity.rawValue),
                        ("subject", alert.subject)], 1)
        }
        out.family("mesh_events_total", "counter", "Events the engine has emitted.")
        out.sample([], Double(state.seq))
        return out.text
    }

    /// A bucket bound as Prometheus' own clients write it (`0.005`, `1`, `2.5`).
    static func le(_ bound: Double) -> String { Exposition.format(bound) }

    /// Builds the text: HELP and TYPE once per family, then its samples.
    private struct Exposition {
        var text = ""
        private var name = ""

        mutating func family(_ name: String, _ type: String, _ help: String) {
            self.name = name
            text += "# HELP \(name) \(help)\n# TYPE \(name) \(type)\n"
        }

        /// `suffix`: a histogram's `_bucket`, `_sum` and `_count` lines.
        mutating func sample(_ labels: [(String, String)], _ value: Double, suffix: String = "") {
            text += name + suffix
            if !labels.isEmpty {
                text += "{" + labels.map { "\($0.0)=\"\(Self.escape($0.1))\"" }.joined(separator: ",") + "}"
            }
            text += " " + Self.format(value) + "\n"
        }

        static func escape(_ value: String) -> String {
            var out = ""
            for c in value {
                switch c {
                case "\\": out += "\\\\"
                case "\"": out += "\\\""
                case "\n": out += "\\n"
                default: out.append(c)
                }
            }
            return out
        }

        static func format(_ value: Double) -> String {
            if value.isNaN { return "NaN" }
            if value.isInfinite { return value > 0 ? "+Inf" : "-Inf" }
            if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
            return String(value)
        }
    }
}
