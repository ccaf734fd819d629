import Foundation
import Testing
@testable import MeshConfig

/// Scenario mistakes: timeline actions and targets, traffic, simulated endpoints.
@Suite struct ScenarioErrorTests {
    /// Lines 1-7; a test appends `traffic:` or `timeline:` from line 8.
    static let base = """
    name: t
    duration: 60s
    services:
      - name: web
        zones: [a, b]
        endpoints:
          - {id: w1, zone: a}

    """

    static func error(_ yaml: String) -> String? {
        do { _ = try Scenario.parse(yaml: yaml, file: "s.yaml"); return nil } catch { return error.description }
    }

    @Test func unknownActionSuggests() {
        #expect(Self.error(Self.base + "timeline:\n  - {at: 1s, action: crsh, target: web/w1}\n")
            == "s.yaml:9: timeline[0].action: unknown action 'crsh' (did you mean 'crash'?) (expected crash, recover, latency, errors, partition, drain, kill, restore, weight, register, deregister)")
    }

    @Test func targetsMustExist() {
        #expect(Self.error(Self.base + "timeline:\n  - {at: 1s, action: crash, target: web/w9}\n")
            == "s.yaml:9: timeline[0].target: target 'web/w9' names no endpoint of service web")
        #expect(Self.error(Self.base + "timeline:\n  - {at: 1s, action: crash, target: shop}\n")
            == "s.yaml:9: timeline[0].target: target 'shop' names no service of this scenario")
        #expect(Self.error(Self.base + "timeline:\n  - {at: 1s, action: crash, target: zone:c}\n")
            == "s.yaml:9: timeline[0].target: target 'zone:c' names no zone of this scenario (zones: a, b)")
        #expect(Self.error(Self.base + "timeline:\n  - {at: 1s, action: crash, target: shop/x}\n")
            == "s.yaml:9: timeline[0].target: target 'shop/x' names no service 'shop' in this scenario")
    }

    @Test func actionParameters() {
        #expect(Self.error(Self.base + "timeline:\n  - {at: 1s, action: latency, target: zone:a}\n")
            == "s.yaml:9: timeline[0].add: missing required key (how much latency to add, e.g. 250ms)")
        #expect(Self.error(Self.base + "timeline:\n  - {at: 1s, action: crash, target: web/w1, rate: 0.5}\n")
            == "s.yaml:9: timeline[0].rate: rate is not used by action crash")
        #expect(Self.error(Self.base + "timeline:\n  - {at: 1s, action: errors, target: web, rate: 2}\n")
            == "s.yaml:9: timeline[0].rate: 2 is outside 0...1 (a fraction: write 0.05 or 5%)")
        #expect(Self.error(Self.base + "timeline:\n  - {at: 90s, action: crash, target: web}\n")
            == "s.yaml:9: timeline[0].at: at 90s is after the scenario's duration 60s")
    }

    @Test func registeredEndpointsBecomeTargets() throws {
        let yaml = Self.base + """
        timeline:
          - {at: 30s, action: drain, target: web/w2}
          - {at: 10s, action: register, target: web, endpoint: {id: w2, zone: b, latency: {p50: 5ms}}}
        """
        let s = try Scenario.parse(yaml: yaml, file: "s.yaml")
        #expect(s.timeline.map(\.at) == [10, 30])
        guard case .register(let e) = s.timeline[0].action else { Issue.record("not a register step"); return }
        #expect(e.p50 == 0.005 && e.p99 == 0.020)
        #expect(Self.error(Self.base + "timeline:\n  - {at: 1s, action: register, target: web, endpoint: {id: w1, zone: a}}\n")
            == "s.yaml:9: timeline[0].endpoint.id: endpoint 'w1' already exists in service web")
    }

    @Test func trafficChecks() throws {
        #expect(Self.error(Self.base + "traffic:\n  - {service: shop, rps: 10}\n")
            == "s.yaml:9: traffic[0].service: no service named 'shop' in this scenario")
        #expect(Self.error(Self.base + "traffic:\n  - {service: web, rps: 10, pattern: wave}\n")
            == "s.yaml:9: traffic[0].pattern: unknown pattern 'wave' (expected steady, sine or spike)")
        #expect(Self.error(Self.base + "traffic:\n  - {service: web, rps: 10, period: 10s}\n")
            == "s.yaml:9: traffic[0].period: period is not used by pattern steady")
        let s = try Scenario.parse(yaml: Self.base + "traffic:\n  - {service: web, rps: 100, pattern: spike, at: 10s, length: 5s}\n")
        #expect(s.traffic[0].pattern == .spike(at: 10, length: 5, peak: 300))
        #expect(s.traffic[0].rps(at: 12) == 300 && s.traffic[0].rps(at: 20) == 100)
    }

    @Test func simulatedEndpointChecks() {
        let bad = Self.base.replacingOccurrences(of: "{id: w1, zone: a}", with: "{id: w1, zone: a, latency: {p50: 80ms, p99: 20ms}}")
        #expect(Self.error(bad) == "s.yaml:7: services[0].endpoints[0].latency.p99: p99 20ms is below p50 80ms")
        let noZone = Self.base.replacingOccurrences(of: "{id: w1, zone: a}", with: "{id: w1}")
        #expect(Self.error(noZone) == "s.yaml:7: services[0].endpoints[0].zone: missing required key (the service lists zones [a, b])")
        let address = Self.base.replacingOccurrences(of: "{id: w1, zone: a}", with: "{id: w1, zone: a, address: 127.0.0.1:1}")
        #expect(Self.error(address) == "s.yaml:7: services[0].endpoints[0].address: unknown key 'address' (expected one of: id, zone, weight, tags, metadata, latency, error_rate, capacity)")
    }

    @Test func nameDefaultsToFileStem() throws {
        let s = try Scenario.parse(yaml: "duration: 10s\nservices: []\n", file: "demo/quiet-day.yaml")
        #expect(s.name == "quiet-day" && s.seed == Scenario.defaultSeed)
    }
}
