import Testing
@testable import MeshConfig

/// Every kind of mistake in mesh.yaml gives one exact line: file, line, key path, message.
@Suite struct ConfigErrorLineTests {
    struct Case: CustomTestStringConvertible, Sendable {
        var yaml: String
        var error: String
        var testDescription: String { error }
    }

    /// A valid service to put mistakes into; line 1 is `services:`.
    static func web(_ extra: String = "", endpoints: String = """
          - {id: web-1, address: 127.0.0.1:9001}
          - {id: web-2, address: 127.0.0.1:9002}
    """) -> String {
        "services:\n  - name: web\n    listen: 127.0.0.1:8080\n" + extra + "    endpoints:\n" + endpoints + "\n"
    }

    static let cases: [Case] = [
        // A bidirectional override in a name is escaped: it would reorder the error line.
        Case(yaml: web(endpoints: "      - {id: \"web-\\u202E1\", address: 127.0.0.1:9001}"), error:
            "mesh.yaml:5: services[0].endpoints[0].id: bad name 'web-\\u{202e}1' (use letters, digits, '-', '_' and '.')"),
        Case(yaml: "services:\n  - name: web\n   x: [\n", error:
            "mesh.yaml:3: YAML syntax error: did not find expected '-' indicator (while parsing a block collection at line 2)"),
        Case(yaml: web("    balancer: fastest\n"), error:
            "mesh.yaml:4: services[0].balancer: unknown balancer 'fastest' (expected round-robin, weighted-round-robin, least-request, p2c-ewma, ring-hash, maglev, random)"),
        Case(yaml: web("    balancr: maglev\n"), error:
            "mesh.yaml:4: services[0].balancr: unknown key 'balancr' (did you mean 'balancer'?)"),
        Case(yaml: "admn: 127.0.0.1:9901\nservices: []\n", error:
            "mesh.yaml:1: admn: unknown key 'admn' (did you mean 'admin'?)"),
        Case(yaml: web("    colour: blue\n"), error:
            "mesh.yaml:4: services[0].colour: unknown key 'colour' (expected one of: name, listen, protocol, endpoints, balancer, hash_on, health, outlier, panic_threshold, slow_start, drain_timeout, retries, timeouts, zones, limits, access_log, tls, upstream_tls)"),
        Case(yaml: web("    limits: {max_header_bytes: 10}\n"), error:
            "mesh.yaml:4: services[0].limits.max_header_bytes: must be at least 1024, got 10"),
        Case(yaml: web("    limits: {max_chunk_line_bytes: 1000000}\n"), error:
            "mesh.yaml:4: services[0].limits.max_chunk_line_bytes: must be at most 65536, got 1000000"),
        Case(yaml: web("    limits: {upstream_idle_timeout: 0s}\n"), error:
            "mesh.yaml:4: services[0].limits.upstream_idle_timeout: must be at least 10ms, got 0s"),
        Case(yaml: web("    limits: {client_idle_timeout: 2h}\n"), error:
            "mesh.yaml:4: services[0].limits.client_idle_timeout: must be at most 1h, got 2h"),
        Case(yaml: web("    limits: {client_send_timeout: soon}\n"), error:
            "mesh.yaml:4: services[0].limits.client_send_timeout: bad duration 'soon' (expected a number with a unit: 250ms, 1s, 1.5s, 2m)"),
        Case(yaml: web("    limits: {max_headers: 1}\n"), error:
            "mesh.yaml:4: services[0].limits.max_headers: unknown key 'max_headers' (expected one of: max_header_bytes, max_chunk_line_bytes, max_headers_count, upstream_idle_timeout, client_idle_timeout, client_send_timeout)"),
        Case(yaml: web("    protocol: tcp\n    limits: {max_header_bytes: 4096}\n"), error:
            "mesh.yaml:5: services[0].limits: limits is only used by protocol http"),
        Case(yaml: web("    retries: two\n"), error:
            "mesh.yaml:4: services[0].retries: expected a whole number, got 'two'"),
        Case(yaml: web("    zones: a\n"), error:
            "mesh.yaml:4: services[0].zones: expected a list, got 'a'"),
        Case(yaml: web("    health: {interval: 1}\n"), error:
            "mesh.yaml:4: services[0].health.interval: bad duration '1' (expected a number with a unit: 250ms, 1s, 1.5s, 2m)"),
        Case(yaml: web("    drain_timeout: 30 seconds\n"), error:
            "mesh.yaml:4: services[0].drain_timeout: bad duration '30 seconds' (expected a number with a unit: 250ms, 1s, 1.5s, 2m)"),
        Case(yaml: web(endpoints: "      - {id: web-1, address: 127.0.0.1:9001}\n      - {id: web-1, address: 127.0.0.1:9002}"), error:
            "mesh.yaml:6: services[0].endpoints[1].id: duplicate endpoint id 'web-1' in service web (first at line 5)"),
        Case(yaml: web() + "  - name: web\n", error:
            "mesh.yaml:7: services[1].name: duplicate service name 'web' (first at line 2)"),
        Case(yaml: web("    hash_on: cookie\n    balancer: maglev\n"), error:
            "mesh.yaml:4: services[0].hash_on: bad hash_on 'cookie' (expected header:NAME, client-ip or path)"),
        Case(yaml: web(endpoints: "      - {id: web-1, address: localhost}"), error:
            "mesh.yaml:5: services[0].endpoints[0].address: bad address 'localhost' (expected host:port, or [::1]:port for IPv6)"),
        Case(yaml: web(endpoints: "      - {id: web-1, address: \"127.0.0.1:70000\"}"), error:
            "mesh.yaml:5: services[0].endpoints[0].address: bad address '127.0.0.1:70000': port 70000 is outside 1...65535"),
        Case(yaml: web(endpoints: "      - {id: web-1, address: \"[::1]:0\"}"), error:
            "mesh.yaml:5: services[0].endpoints[0].address: bad address '[::1]:0': port 0 is outside 1...65535"),
        Case(yaml: web() + "  - name: api\n    listen: 0.0.0.0:8080\n", error:
            "mesh.yaml:8: services[1].listen: listen address 0.0.0.0:8080 is already used by service web"),
        Case(yaml: "admin: 127.0.0.1:8080\n" + web(), error:
            "mesh.yaml:4: services[0].listen: listen address 127.0.0.1:8080 is already used by the admin API"),
        Case(yaml: web("    zones: [a, b]\n", endpoints: "      - {id: web-1, address: 127.0.0.1:9001, zone: c}"), error:
            "mesh.yaml:6: services[0].endpoints[0].zone: zone 'c' is not in the service's zones [a, b]"),
        Case(yaml: web("    health:\n      healthy_threshold: 0\n"), error:
            "mesh.yaml:5: services[0].health.healthy_threshold: threshold must be at least 1, got 0"),
        Case(yaml: web("    outlier: {consecutive_failures: 0}\n"), error:
            "mesh.yaml:4: services[0].outlier.consecutive_failures: threshold must be at least 1, got 0"),
        Case(yaml: web("    panic_threshold: 120\n"), error:
            "mesh.yaml:4: services[0].panic_threshold: percentage 120 is outside 0...100"),
        Case(yaml: web("    outlier:\n      max_ejection_percent: -5\n"), error:
            "mesh.yaml:5: services[0].outlier.max_ejection_percent: percentage -5 is outside 0...100"),
        Case(yaml: web(endpoints: "      - {id: web-1, address: 127.0.0.1:9001, weight: 20000}"), error:
            "mesh.yaml:5: services[0].endpoints[0].weight: weight 20000 is outside 0...10000"),
        Case(yaml: "services:\n  - listen: 127.0.0.1:8080\n", error:
            "mesh.yaml:2: services[0].name: missing required key"),
        Case(yaml: web(endpoints: "      - {address: 127.0.0.1:9001}"), error:
            "mesh.yaml:5: services[0].endpoints[0].id: missing required key"),
        Case(yaml: web(endpoints: "      - id: web-1\n        zone: a"), error:
            "mesh.yaml:5: services[0].endpoints[0].address: missing required key (leave endpoints: out to take them from registrations)"),
        Case(yaml: "admin: 127.0.0.1:9901\n", error:
            "mesh.yaml:1: services: missing required key"),
        Case(yaml: "services: []\nalerts:\n  - {name: slow, service: \"*\", when: \"p99 >> 5\"}\n", error:
            "mesh.yaml:3: alerts[0].when: bad value '> 5' for p99 in 'p99 >> 5' (expected a duration such as 500ms, at most 1h)"),
        Case(yaml: "services: []\nalerts:\n  - {name: x, service: \"*\", when: \"latency > 1s\"}\n", error:
            "mesh.yaml:3: alerts[0].when: unknown metric 'latency' in 'latency > 1s' (expected success_rate, error_rate, p50, p99, rps, state_changes, cert_expiry_days)"),
        Case(yaml: "services: []\nalerts:\n  - {name: x, endpoint: \"*\", when: panic}\n", error:
            "mesh.yaml:3: alerts[0].when: panic is about a service; use service: instead of endpoint:"),
        Case(yaml: "services: []\nalerts:\n  - {name: x, service: web, when: panic}\n", error:
            "mesh.yaml:3: alerts[0].service: no service named 'web'"),
        Case(yaml: "services: []\nalerts:\n  - {name: x, service: \"*\", when: panic, severity: page}\n", error:
            "mesh.yaml:3: alerts[0].severity: unknown severity 'page' (expected info, warning or critical)"),
        Case(yaml: "services: []\nnotify:\n  - {webhook: \"ftp://x\"}\n", error:
            "mesh.yaml:3: notify[0].webhook: bad webhook URL 'ftp://x' (expected http[s]://HOST[:PORT]/PATH)"),
        Case(yaml: "services: []\nnotify:\n  - {webhook: \"http://am.example/api/v2/alerts\", ca: ca.pem}\n", error:
            "mesh.yaml:3: notify[0].ca: ca, cert and key are for https webhooks; 'http://am.example/api/v2/alerts' is http"),
        Case(yaml: "services: []\nnotify:\n  - {webhook: \"https://am.example/\", cert: c.pem}\n", error:
            "mesh.yaml:3: notify[0].key: missing required key (a client certificate needs its key)"),
        Case(yaml: "admin: 0.0.0.0:9901\nservices: []\n", error:
            "mesh.yaml:1: admin: admin 0.0.0.0:9901 is reachable from other machines: set token: or MESH_TOP_TOKEN"),
        Case(yaml: "admin: 0.0.0.0:9901\ntoken: t\nservices: []\n", error:
            "mesh.yaml:1: admin: admin 0.0.0.0:9901 is reachable from other machines: serve it over TLS (admin: {listen: 0.0.0.0:9901, tls: {cert, key}} or tls: auto), or say insecure: true"),
        Case(yaml: "admin: {listen: 127.0.0.1:9901, tls: {cert: a.pem}}\nservices: []\n", error:
            "mesh.yaml:1: admin.tls.key: missing required key"),
        Case(yaml: "services:\n  - {name: web, listen: 127.0.0.1:80, tls: {cert: a.pem, key: a.key, min_version: 1.1}}\n", error:
            "mesh.yaml:2: services[0].tls.min_version: min_version must be \"1.2\" or \"1.3\", got '1.1'"),
        Case(yaml: "services:\n  - {name: web, tls: auto}\n", error:
            "mesh.yaml:2: services[0].tls: tls is for the listener: this service has no listen:"),
        Case(yaml: "services:\n  - {name: web, upstream_tls: {verify: false, subject_alt_names: [x]}}\n", error:
            "mesh.yaml:2: services[0].upstream_tls.subject_alt_names: subject_alt_names cannot be checked with verify: false"),
        Case(yaml: "services:\n  - {name: web, upstream_tls: {cert: c.pem}}\n", error:
            "mesh.yaml:2: services[0].upstream_tls.key: missing required key (a client certificate needs its key)"),
        Case(yaml: "services: []\nservices: []\n", error:
            "mesh.yaml:2: duplicate key 'services' (first at line 1)"),
        Case(yaml: "", error: "mesh.yaml:1: the file is empty"),
        Case(yaml: "- a\n- b\n", error: "mesh.yaml:1: expected a mapping of keys at the top level, got a list"),
    ]

    @Test(arguments: cases) func namesFileLineAndKey(_ c: Case) {
        do {
            _ = try MeshConfig.parse(yaml: c.yaml, file: "mesh.yaml", environment: [:])
            Issue.record("parsed without error; expected \(c.error)")
        } catch {
            #expect(error.description == c.error)
        }
    }

    @Test func everyErrorIsOneLine() {
        for c in Self.cases { #expect(!c.error.contains("\n")) }
    }
}
