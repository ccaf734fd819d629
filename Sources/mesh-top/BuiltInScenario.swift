import MeshConfig

/// The scenario `mesh-top` plays with no arguments: built into the binary so it works from any
/// directory. A short tour of what the tool shows: a slow endpoint, a zone outage with failover
/// and return, an endpoint ejected for errors, and a drain.
enum BuiltInScenario {
    static let yaml = """
        name: mesh-top tour
        description: a slow endpoint, a zone outage and failover, an ejection and a drain — press ? for keys
        seed: 2026
        duration: 180s
        services:
          - name: checkout
            balancer: p2c-ewma
            health: {interval: 1s, timeout: 500ms, healthy_threshold: 2, unhealthy_threshold: 3}
            zones: [a, b]
            endpoints:
              - {id: checkout-a1, zone: a, latency: {p50: 20ms, p99: 80ms}, error_rate: 0.001, capacity: 400}
              - {id: checkout-a2, zone: a, latency: {p50: 20ms, p99: 80ms}, error_rate: 0.001, capacity: 400}
              - {id: checkout-b1, zone: b, latency: {p50: 30ms, p99: 110ms}, error_rate: 0.001, capacity: 400}
              - {id: checkout-b2, zone: b, latency: {p50: 30ms, p99: 110ms}, error_rate: 0.001, capacity: 400}
          - name: payments
            balancer: least-request
            health: {interval: 1s, healthy_threshold: 2, unhealthy_threshold: 3}
            outlier: {consecutive_failures: 5, base_ejection: 15s, max_ejection: 120s, max_ejection_percent: 50}
            endpoints:
              - {id: payments-1, latency: {p50: 40ms, p99: 150ms}, capacity: 300}
              - {id: payments-2, latency: {p50: 40ms, p99: 150ms}, capacity: 300}
              - {id: payments-3, latency: {p50: 40ms, p99: 150ms}, capacity: 300}
          - name: search
            balancer: round-robin
            health: {interval: 2s, timeout: 1s}
            endpoints:
              - {id: search-1, latency: {p50: 15ms, p99: 60ms}, capacity: 500}
              - {id: search-2, latency: {p50: 15ms, p99: 60ms}, capacity: 500}
        traffic:
          - {service: checkout, rps: 600, pattern: sine, period: 60s, amplitude: 0.3}
          - {service: payments, rps: 250}
          - {service: search, rps: 300}
        timeline:
          - {at: 15s, action: latency, target: search/search-2, add: 200ms}
          - {at: 40s, action: recover, target: search/search-2}
          - {at: 50s, action: crash, target: zone:a}
          - {at: 90s, action: recover, target: zone:a}
          - {at: 110s, action: errors, target: payments/payments-2, rate: 60%}
          - {at: 140s, action: recover, target: payments/payments-2}
          - {at: 150s, action: drain, target: checkout/checkout-b2}
          - {at: 170s, action: restore, target: checkout/checkout-b2}
        """

    static func scenario() throws(ConfigError) -> Scenario {
        try Scenario.parse(yaml: yaml, file: "built-in tour")
    }
}
