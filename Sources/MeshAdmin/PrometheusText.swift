import MeshCore
import MeshProbe

/// `/metrics` in the Prometheus text exposition format (0.0.4), named as Prometheus' own
/// guidance asks (prometheus.io/docs/practices/naming, /instrumentation): counters end in
/// `_total`, units are base units (seconds), and rates and quantiles are left to queries over
/// the counters and the latency histogram (`rate()`, `histogram_quantile()`). Per endpoint and
/// per service, from the session's state (gauges) and its running totals (counters); in a live
/// mesh, the health checker's own load (`HealthCheckerLoad`), as HAProxy's stats show its checks.
/// `promtool check metrics` prints nothing for it.
///
/// Why not swift-prometheus: its registry holds live counters that code updates as things
/// happen; ours are a function of the session's state and totals at scrape time (the same in
/// run, demo and replay), which a writer of the exposition format says directly.
enum PrometheusText {
    static func render(_ state: MeshState, totals: RunSummary, checker: HealthCheckerLoad? = nil,
                       listeners: [String: ListenerCounters]? = nil) -> String {
        var out = Exposition()
        let endpoints = state.services.flatMap { service in
            service.endpoints.map { (service: service, endpoint: $0, ref: EndpointRef(service: service.name, endpoint: $0.id)) }
        }
        func labels(_ e: (service: Service, endpoint: Endpoint, ref: EndpointRef)) -> [(String, String)] {
            [("service", e.service.name), ("endpoint", e.endpoint.id), ("zone", e.endpoint.zone)]
        }
        let row = { (e: (service: Service, endpoint: Endpoint, ref: EndpointRef)) in totals.rows[e.ref] ?? RunSummary.Row() }

        out.family("mesh_build_info", "gauge", "Always 1: the version of mesh-top serving these metrics.")
        out.sample([("version", MeshTopVersion.string)], 1)

        out.family("mesh_endpoint_requests_total", "counter", "Requests (HTTP) or connections (TCP) the endpoint finished since the session started.")
        for e in endpoints { out.sample(labels(e), row(e).requests.rounded()) }
        out.family("mesh_endpoint_errors_total", "counter", "Requests or connections to the endpoint that failed (5xx, connect failure, reset, timeout).")
        for e in endpoints { out.sample(labels(e), row(e).errors.rounded()) }
        out.family("mesh_endpoint_responses_total", "counter", "HTTP responses for the endpoint by status class.")
        for e in endpoints {
            guard let codes = row(e).codes else { continue }
            for (i, code) in StatusClasses.labels.enumerated() { out.sample(labels(e) + [("code", code)], Double(codes[i])) }
        }
        out.family("mesh_endpoint_state_changes_total", "counter", "Times the endpoint changed state.")
        for e in endpoints { out.sample(labels(e), Double(row(e).stateChanges)) }
        out.family("mesh_endpoint_active_requests", "gauge", "HTTP requests to the endpoint in flight.")
        for e in endpoints where !e.service.isTCP { out.sample(labels(e), Double(e.endpoint.load.active)) }
        out.family("mesh_endpoint_active_connections", "gauge", "Connections open to the endpoint (relayed TCP connections; pooled HTTP ones included).")
        for e in endpoints {
            if e.service.isTCP {
                out.sample(labels(e), Double(e.endpoint.load.active))
            } else if let connections = e.endpoint.load.connections {
                out.sample(labels(e), Double(connections))
            }
        }
        out.family("mesh_endpoint_latency_seconds", "histogram", "Latency of the endpoint's requests since the session started.")
        for e in endpoints {
            let row = row(e)
            var cumulative: UInt64 = 0
            for (i, count) in row.latencyBuckets.enumerated() {
                cumulative += count
                let le = i < LatencyWindow.bounds.count ? Self.le(LatencyWindow.bounds[i]) : "+Inf"
                out.sample(labels(e) + [("le", le)], Double(cumulative), suffix: "_bucket")
            }
            out.sample(labels(e), row.latencySum, suffix: "_sum")
            out.sample(labels(e), Double(cumulative), suffix: "_count")
        }
        out.family("mesh_endpoint_weight", "gauge", "Operator weight.")
        for e in endpoints { out.sample(labels(e), Double(e.endpoint.weight)) }
        out.family("mesh_endpoint_state", "gauge", "1 for the endpoint's current state, 0 for the others.")
        for e in endpoints {
            for state in EndpointState.allCases {
                out.sample(labels(e) + [("state", state.rawValue)], e.endpoint.state == state ? 1 : 0)
            }
        }

        let service = { (s: Service) in [("service", s.name)] }
        let rows = { (s: Service) in s.endpoints.map { totals.rows[EndpointRef(service: s.name, endpoint: $0.id)] ?? RunSummary.Row() } }
        out.family("mesh_service_requests_total", "counter", "Requests or connections the service's endpoints finished.")
        for s in state.services { out.sample(service(s), rows(s).reduce(0) { $0 + $1.requests }.rounded()) }
        out.family("mesh_service_errors_total", "counter", "Requests or connections to the service's endpoints that failed.")
        for s in state.services { out.sample(service(s), rows(s).reduce(0) { $0 + $1.errors }.rounded()) }
        out.family("mesh_service_responses_total", "counter", "HTTP responses of the service's endpoints by status class.")
        for s in state.services {
            let codes = rows(s).compactMap(\.codes)
            guard !codes.isEmpty else { continue }
            let sum = codes.reduce(StatusClasses()) { $0.adding($1) }
            for (i, code) in StatusClasses.labels.enumerated() { out.sample(service(s) + [("code", code)], Double(sum[i])) }
        }
        out.family("mesh_service_endpoints", "gauge", "Endpoints registered.")
        for s in state.services { out.sample(service(s), Double(s.endpoints.count)) }
        out.family("mesh_service_healthy_endpoints", "gauge", "Endpoints passing their checks.")
        for s in state.services { out.sample(service(s), Double(s.healthyCount)) }
        out.family("mesh_service_panic", "gauge", "1 while the service is in panic (every endpoint used).")
        for s in state.services { out.sample(service(s), s.panic ? 1 : 0) }
        out.family("mesh_service_failover", "gauge", "1 while traffic has left the service's preferred zone.")
        for s in state.services { out.sample(service(s), s.failoverZone == nil ? 0 : 1) }

        // Prometheus' own ALERTS series is the rule evaluator's: ours is named apart.
        out.family("mesh_alerts", "gauge", "Alerts now firing (1), with Prometheus' ALERTS labels.")
        for alert in state.alerts {
            out.sample([("alertname", alert.name), ("alertstate", "firing"), ("severity", alert.severity.rawValue),
                        ("subject", alert.subject)], 1)
        }
        out.family("mesh_events_total", "counter", "Events the engine has emitted.")
        out.sample([], Double(state.seq))
        if let checker { Self.healthChecker(checker, into: &out) }
        if let listeners { Self.listeners(listeners, into: &out) }
        return out.text
    }

    /// Whether the health checker keeps up: alert on `rate(mesh_health_checks_late_total[5m]) > 0`
    /// or `mesh_health_checker_behind == 1`.
    private static func healthChecker(_ load: HealthCheckerLoad, into out: inout Exposition) {
        out.family("mesh_health_check_connects_total", "counter", "Health checks that opened a connection (TCP checks, HTTP checks without a kept-alive connection).")
        out.sample([], Double(load.connectsStarted))
        out.family("mesh_health_checks_late_total", "counter", "Of those, checks started more than half their interval (at least 100 ms) after they were due.")
        out.sample([], Double(load.lateChecks))
        out.family("mesh_health_checks_waiting", "gauge", "Checks due now and waiting for a place to connect.")
        out.sample([], Double(load.waiting))
        out.family("mesh_health_check_lag_seconds", "gauge", "Seconds between the latest check's due time and its start (worst over the event loops).")
        out.sample([], load.lag)
        out.family("mesh_health_checker_behind", "gauge", "1 while the health checker is behind its schedule (checks waiting, or lag over 100 ms).")
        out.sample([], load.isBehind ? 1 : 0)
    }

    /// Client connections each listener closed for the client's slowness, by reason (Envoy's
    /// `downstream_cx_idle_timeout`, HAProxy's `cR`/`cD` terminations); none counts against an
    /// endpoint, so a rise here with quiet endpoints points at clients, not at the mesh.
    private static func listeners(_ counters: [String: ListenerCounters], into out: inout Exposition) {
        out.family("mesh_listener_client_timeouts_total", "counter",
                   "Client connections a service's listener closed for the client's slowness: idle (no next request within client_idle_timeout), head (a request head slower than the head timeout), send (no byte of a response taken within client_send_timeout).")
        for (service, c) in counters.sorted(by: { $0.key < $1.key }) {
            out.sample([("service", service), ("reason", "idle")], Double(c.idleTimeouts))
            out.sample([("service", service), ("reason", "head")], Double(c.headTimeouts))
            out.sample([("service", service), ("reason", "send")], Double(c.sendTimeouts))
        }
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

extension Service {
    /// TCP services count connections; everything else (HTTP, the demo's services) requests.
    var isTCP: Bool { proto == "tcp" }
}
