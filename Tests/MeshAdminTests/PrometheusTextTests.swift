import Foundation
@testable import MeshAdmin
import MeshCore
import MeshProbe
import MeshTestSupport
import Testing

/// `/metrics` text: the series a scrape needs, label values escaped, and (with promtool, as CI
/// has it) accepted by Prometheus's own checker.
@Suite struct PrometheusTextTests {
    func sample() -> (MeshState, RunSummary) {
        var state = MeshState(name: "t", services: [Service(name: "web", zones: ["a"], endpoints: [
            Endpoint(id: "web-1", zone: "a", state: .healthy),
            Endpoint(id: #"odd "quoted" \ name"#, zone: "a", state: .ejected),
        ])])
        var summary = RunSummary()
        let sample = MeshEvent(seq: 1, t: 2, body: .sample(LoadSample(endpoints: [
            .init(endpoint: EndpointRef(service: "web", endpoint: "web-1"), load: EndpointLoad(
                rps: 50, active: 3, p50: 0.01, p99: 0.2, errors: 1,
                // 100 requests: 60 at ≤5 ms, 39 at ≤25 ms, 1 above 10 s.
                latency: LatencyWindow(buckets: [0, 0, 0, 60, 0, 39, 0, 0, 0, 0, 0, 0, 0, 0, 1], sum: 12.5),
                codes: StatusClasses([0, 97, 1, 0, 2]), connections: 4)),
        ])))
        state.apply(sample)
        summary.count(sample)
        // A second window adds to the same histogram.
        let next = MeshEvent(seq: 2, t: 3, body: .sample(LoadSample(endpoints: [
            .init(endpoint: EndpointRef(service: "web", endpoint: "web-1"), load: EndpointLoad(
                rps: 10, latency: LatencyWindow(buckets: [10, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0], sum: 0.004))),
        ])))
        state.apply(next)
        summary.count(next)
        return (state, summary)
    }

    @Test func countersGaugesAndStates() {
        let (state, totals) = sample()
        let text = PrometheusText.render(state, totals: totals)
        let lines = Set(text.split(separator: "\n").map(String.init))
        #expect(lines.contains("# TYPE mesh_endpoint_requests_total counter"))
        // 50 rps over the 2 s since the start, then 10 over 1 s.
        #expect(lines.contains(#"mesh_endpoint_requests_total{service="web",endpoint="web-1",zone="a"} 110"#))
        #expect(lines.contains(#"mesh_endpoint_errors_total{service="web",endpoint="web-1",zone="a"} 2"#))
        #expect(lines.contains(#"mesh_endpoint_active_requests{service="web",endpoint="web-1",zone="a"} 0"#))
        #expect(lines.contains(#"mesh_endpoint_responses_total{service="web",endpoint="web-1",zone="a",code="2xx"} 97"#))
        #expect(lines.contains(#"mesh_endpoint_responses_total{service="web",endpoint="web-1",zone="a",code="5xx"} 2"#))
        #expect(lines.contains(#"mesh_service_responses_total{service="web",code="3xx"} 1"#))
        #expect(lines.contains(#"mesh_build_info{version="\#(MeshTopVersion.string)"} 1"#))
        // Rates and quantiles are the queries' to make, from the counters and the histogram.
        #expect(!text.contains("per_second") && !text.contains("p99"))
        #expect(lines.contains(#"mesh_endpoint_state{service="web",endpoint="web-1",zone="a",state="healthy"} 1"#))
        #expect(lines.contains(#"mesh_endpoint_state{service="web",endpoint="web-1",zone="a",state="unhealthy"} 0"#))
        #expect(lines.contains(#"mesh_endpoint_state{service="web",endpoint="odd \"quoted\" \\ name",zone="a",state="ejected"} 1"#))
        #expect(lines.contains(#"mesh_service_requests_total{service="web"} 110"#))
        #expect(lines.contains(#"mesh_service_healthy_endpoints{service="web"} 1"#))
    }

    @Test func alertsAreNotNamedLikePrometheusOwn() {
        var (state, totals) = sample()
        state.apply(MeshEvent(seq: 3, t: 4, body: .alert(AlertChange(name: "panic", severity: .critical, state: .firing,
                                                                      subject: "web", value: 1))))
        let text = PrometheusText.render(state, totals: totals)
        #expect(text.contains(#"mesh_alerts{alertname="panic",alertstate="firing",severity="critical",subject="web"} 1"#), "\(text)")
        #expect(!text.contains("ALERTS{"))
    }

    @Test func latencyIsACumulativeHistogramOverTheWholeSession() {
        let (state, totals) = sample()
        let lines = Set(PrometheusText.render(state, totals: totals).split(separator: "\n").map(String.init))
        let web1 = #"service="web",endpoint="web-1",zone="a""#
        #expect(lines.contains("# TYPE mesh_endpoint_latency_seconds histogram"))
        #expect(lines.contains("mesh_endpoint_latency_seconds_bucket{\(web1),le=\"0.0005\"} 10"))
        #expect(lines.contains("mesh_endpoint_latency_seconds_bucket{\(web1),le=\"0.001\"} 10"))
        #expect(lines.contains("mesh_endpoint_latency_seconds_bucket{\(web1),le=\"0.005\"} 70"))
        #expect(lines.contains("mesh_endpoint_latency_seconds_bucket{\(web1),le=\"0.025\"} 109"))
        #expect(lines.contains("mesh_endpoint_latency_seconds_bucket{\(web1),le=\"10\"} 109"))
        #expect(lines.contains("mesh_endpoint_latency_seconds_bucket{\(web1),le=\"+Inf\"} 110"))
        #expect(lines.contains("mesh_endpoint_latency_seconds_count{\(web1)} 110"))
        #expect(lines.contains("mesh_endpoint_latency_seconds_sum{\(web1)} 12.504"))
        // An endpoint with no requests yet has an all-zero histogram, not a missing one.
        #expect(lines.contains(#"mesh_endpoint_latency_seconds_bucket{service="web",endpoint="odd \"quoted\" \\ name",zone="a",le="+Inf"} 0"#))
        // The state keeps only the window's figures; the buckets are in the events.
        #expect(state.endpoint(EndpointRef(service: "web", endpoint: "web-1"))?.load.latency == nil)
    }

    /// A live mesh's checker, behind: 12 waiting, the latest check 1.5 s late.
    var behind: HealthCheckerLoad {
        var load = HealthCheckerLoad()
        load.connectsStarted = 4_000
        load.lateChecks = 37
        load.waiting = 12
        load.lag = 1.5
        return load
    }

    @Test func healthCheckerLoad() {
        let (state, totals) = sample()
        #expect(!PrometheusText.render(state, totals: totals).contains("mesh_health_check"), "demo and replay check no sockets")
        let lines = Set(PrometheusText.render(state, totals: totals, checker: behind).split(separator: "\n").map(String.init))
        #expect(lines.isSuperset(of: ["# TYPE mesh_health_checks_late_total counter", "mesh_health_checks_late_total 37",
                                      "mesh_health_check_connects_total 4000", "mesh_health_checks_waiting 12",
                                      "# TYPE mesh_health_check_lag_seconds gauge", "mesh_health_check_lag_seconds 1.5",
                                      "mesh_health_checker_behind 1"]), "\(lines.sorted())")
        #expect(PrometheusText.render(state, totals: totals, checker: HealthCheckerLoad()).contains("mesh_health_checker_behind 0\n"))
    }

    @Test func promtoolAcceptsIt() throws {
        guard let promtool = Promtool.path else {
            if ProcessInfo.processInfo.environment["CI"] == "true" {
                Issue.record("promtool is not installed (apt-get install -y prometheus); CI must have it")
            } else {
                print("skipped: promtool is not installed (apt-get install -y prometheus)")
            }
            return
        }
        let (state, totals) = sample()
        let (status, said) = try Promtool.check(PrometheusText.render(state, totals: totals, checker: behind), promtool: promtool)
        #expect(status == 0, "\(said)")
        // Lint remarks (naming, help text) come back on the same stream; there should be none.
        #expect(said.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty, "\(said)")
    }
}
