import Foundation
import MeshTestSupport
import Testing

/// `/metrics` of the real binary as Prometheus users expect it: `promtool check metrics` says
/// nothing at all (no error, no lint remark), and the series a dashboard's queries need are
/// there (README: rps, error ratio and p99 per endpoint).
@Suite struct MetricsTests {
    static var promtool: String? { Promtool.path }

    @Test func promtoolSaysNothingOfADemosMetrics() throws {
        guard let promtool = Self.promtool else {
            if ProcessInfo.processInfo.environment["CI"] == "true" {
                Issue.record("promtool is not installed (apt-get install -y prometheus); CI must have it")
            } else {
                print("skipped: promtool is not installed (apt-get install -y prometheus)")
            }
            return
        }
        let mesh = try RunningMesh(demoAtSpeed: 20)
        defer { mesh.stop() }
        var text = ""
        #expect(try mesh.waitFor(60) {
            text = try mesh.http("GET", "/metrics").body
            return text.contains("mesh_endpoint_responses_total{") && text.contains("mesh_alerts{")
        }, "responses by class and a firing alert: \(text)")
        let (status, said) = try Promtool.check(text, promtool: promtool)
        #expect(status == 0 && said.isEmpty, "promtool: \(said)")
        #expect(text.contains(#"code="2xx""#) && text.contains("mesh_build_info{version="))
        #expect(text.contains("mesh_endpoint_active_requests{"))
        #expect(!text.split(separator: "\n").contains { $0.hasPrefix("ALERTS") || $0.hasPrefix("# TYPE ALERTS") },
                "Prometheus' own series name stays Prometheus'")
    }

    /// `mesh-top run` shows its health checker's own load: a TCP check of a closed port opens a
    /// connection every 200 ms, counted on `/metrics`, and promtool still says nothing.
    @Test func runShowsItsHealthCheckersLoad() throws {
        let mesh = try RunningMesh(run: """
            services:
              - name: web
                health: {type: tcp, interval: 200ms, timeout: 1s}
                endpoints:
                  - {id: web-1, address: "127.0.0.1:\(Executable.freePort())"}
            """)
        defer { mesh.stop() }
        var text = ""
        #expect(try mesh.waitFor(60) {
            text = try mesh.http("GET", "/metrics").body
            let connects = text.split(separator: "\n").first { $0.hasPrefix("mesh_health_check_connects_total ") }
            return connects.flatMap { Double($0.split(separator: " ")[1]) }.map { $0 >= 2 } ?? false
        }, "connects counted: \(text)")
        for series in ["mesh_health_checks_late_total ", "mesh_health_checks_waiting ", "mesh_health_check_lag_seconds ",
                       "mesh_health_checker_behind "] {
            #expect(text.split(separator: "\n").contains { $0.hasPrefix(series) }, "\(series)in \(text)")
        }
        guard let promtool = Self.promtool else {
            if ProcessInfo.processInfo.environment["CI"] == "true" { Issue.record("promtool is not installed; CI must have it") }
            return
        }
        let (status, said) = try Promtool.check(text, promtool: promtool)
        #expect(status == 0 && said.isEmpty, "promtool: \(said)")
    }
    /// `mesh-top run` counts the client connections its listeners close for the client's
    /// slowness, by service and reason: a keep-alive client silent past `client_idle_timeout`
    /// is closed and counted as idle, and nothing else is counted.
    @Test func runCountsTheClientsItsListenersTimedOut() throws {
        let backend = try NamedBackend("b1")
        defer { backend.stop() }
        let web = Executable.freePort()
        let mesh = try RunningMesh(run: """
            services:
              - name: web
                listen: 127.0.0.1:\(web)
                health: {type: none}
                limits: {client_idle_timeout: 200ms}
                endpoints:
                  - {id: web-1, address: "\(backend.address)"}
            """)
        defer { mesh.stop() }
        func timeouts(_ reason: String) throws -> Double? {
            let line = try mesh.http("GET", "/metrics").body.split(separator: "\n")
                .first { $0.hasPrefix(#"mesh_listener_client_timeouts_total{service="web",reason="\#(reason)"}"#) }
            return line.flatMap { Double($0.split(separator: " ").last!) }
        }
        #expect(try timeouts("idle") == 0, "listed, at 0, before any client")
        let client = try RawClient(port: web, timeout: 10)
        client.send("GET / HTTP/1.1\r\nHost: t\r\n\r\n")
        #expect(try client.readResponse().status == 200)
        #expect(client.isClosedByPeer(), "closed after the idle timeout")
        #expect(try mesh.waitFor(30) { try timeouts("idle") == 1 })
        #expect(try timeouts("head") == 0 && timeouts("send") == 0)
        guard let promtool = Self.promtool else {
            if ProcessInfo.processInfo.environment["CI"] == "true" { Issue.record("promtool is not installed; CI must have it") }
            return
        }
        let (status, said) = try Promtool.check(try mesh.http("GET", "/metrics").body, promtool: promtool)
        #expect(status == 0 && said.isEmpty, "promtool: \(said)")
    }
}
