import Foundation
import MeshCore
import Testing
@testable import MeshConfig

/// Every number and duration has a range, and YAML a budget: what lies outside is one line
/// naming the file, the line and the key (reliability cases r01 and r03 among them).
@Suite struct LimitTests {
    static func configError(_ yaml: String) -> String? {
        do { _ = try MeshConfig.parse(yaml: yaml, file: "mesh.yaml", environment: [:]); return nil } catch { return error.description }
    }

    static func scenarioError(_ yaml: String) -> String? {
        do { _ = try Scenario.parse(yaml: yaml, file: "s.yaml"); return nil } catch { return error.description }
    }

    /// Case r01: nested aliases as mapping keys ("billion laughs"), 9 per level.
    static func aliasBomb(depth: Int, asKeys: Bool) -> String {
        var lines = ["name: x"]
        let nine = { (item: String) in "[" + Array(repeating: item, count: 9).joined(separator: ",") + "]" }
        for level in 0..<depth {
            let list = "&a\(level) " + nine(level == 0 ? "lol" : "*a\(level - 1)")
            lines.append(asKeys ? "? \(list)\n: \(level)" : "k\(level): \(list)")
        }
        return (lines + ["services: []"]).joined(separator: "\n") + "\n"
    }

    @Test(arguments: [8, 9, 12])
    func aliasBombsAsKeysAreRefusedAtTheirLine(depth: Int) {
        let error = Self.scenarioError(Self.aliasBomb(depth: depth, asKeys: true))
        // Level 7 (line 2 + 2 × 6 + 1... the key that crosses 1,000,000 nodes) is named.
        #expect(error == "s.yaml:14: more than 1000000 nodes once its aliases are expanded (an alias bomb?)")
    }

    @Test func aliasBombsAsValuesAndMergesAreRefused() {
        #expect(Self.scenarioError(Self.aliasBomb(depth: 9, asKeys: false))?.hasSuffix("once its aliases are expanded (an alias bomb?)") == true)
        let merges = "a: &a {x: 1, y: 2, z: 3}\n" + (1...12).map { "m\($0): &m\($0) {<<: *\($0 == 1 ? "a" : "m\($0 - 1)"), x\($0): [*\($0 == 1 ? "a" : "m\($0 - 1)"), *\($0 == 1 ? "a" : "m\($0 - 1)")]}" }.joined(separator: "\n")
        #expect(Self.configError(merges + "\nservices: []\n")?.contains("once its aliases are expanded") == true)
    }

    @Test func aSmallAliasIsFine() {
        #expect(Self.configError("""
            defaults: &h {interval: 1s}
            services:
              - {name: a, health: *h}
            """) == "mesh.yaml:1: defaults: unknown key 'defaults' (expected one of: admin, token, services, alerts, notify)")
    }

    @Test func deepNestingIsRefusedNotRecursedInto() {
        let block = (0..<100).map { String(repeating: "  ", count: $0) + "k\($0):" }.joined(separator: "\n") + " 1\n"
        #expect(Self.configError(block) == "mesh.yaml:65: nested more than 64 levels deep")
        // Flow style runs into libyaml's own limit (1000) while it scans ahead: one line too.
        let flow = "services: " + String(repeating: "[", count: 5000) + String(repeating: "]", count: 5000) + "\n"
        #expect(Self.configError(flow)?.hasPrefix("mesh.yaml:1: YAML syntax error: Maximum nesting level reached") == true)
    }

    /// Case r03: durations far out of range, at every key that takes one.
    @Test(arguments: [
        ("    health: {type: http, path: /, interval: 1e20s}\n", "mesh.yaml:4: services[0].health.interval: must be at most 1h, got 1e20s"),
        ("    health: {timeout: 1e308m}\n", "mesh.yaml:4: services[0].health.timeout: must be at most 1h, got 1e308m"),
        ("    timeouts: {connect: 1e20s}\n", "mesh.yaml:4: services[0].timeouts.connect: must be at most 1h, got 1e20s"),
        ("    timeouts: {request: 1e20s}\n", "mesh.yaml:4: services[0].timeouts.request: must be at most 24h, got 1e20s"),
        ("    outlier: {base_ejection: 1e20s}\n", "mesh.yaml:4: services[0].outlier.base_ejection: must be at most 24h, got 1e20s"),
        ("    health: {interval: 1ms}\n", "mesh.yaml:4: services[0].health.interval: must be at least 10ms, got 1ms"),
        ("    timeouts: {connect: 0s}\n", "mesh.yaml:4: services[0].timeouts.connect: must be at least 1ms, got 0s"),
        ("    drain_timeout: 99999h\n", "mesh.yaml:4: services[0].drain_timeout: must be at most 24h, got 99999h"),
        ("    slow_start: 2h\n", "mesh.yaml:4: services[0].slow_start: must be at most 1h, got 2h"),
        ("    retries: 11\n", "mesh.yaml:4: services[0].retries: retries must be at most 10, got 11"),
        ("    retries: 99999999999999999999\n", "mesh.yaml:4: services[0].retries: 99999999999999999999 is out of range (whole numbers here are within ±9223372036854775807)"),
        ("    health: {healthy_threshold: 1001}\n", "mesh.yaml:4: services[0].health.healthy_threshold: threshold must be at most 1000, got 1001"),
    ] as [(String, String)])
    func durationsAndCountsOutOfRangeAreOneLine(setting: String, error: String) {
        let yaml = "services:\n  - name: web\n    listen: 127.0.0.1:8080\n" + setting
            + "    endpoints:\n      - {id: web-1, address: 127.0.0.1:9001}\n"
        #expect(Self.configError(yaml) == error)
    }

    @Test func aFileHasAtMostTenThousandEndpoints() {
        let endpoints = (1...10_001).map { "      - {id: e\($0), address: 127.0.0.1:\(1000 + $0 % 60_000)}" }.joined(separator: "\n")
        let yaml = "services:\n  - name: web\n    endpoints:\n" + endpoints + "\n"
        #expect(Self.configError(yaml) == "mesh.yaml:4: services[0].endpoints: more than 10000 endpoints in this file (the most mesh-top runs)")
    }

    @Test func scenarioRatesAndSizesAreCappedAtWhatTheSimulatorCanDo() {
        let base = "name: t\nservices:\n  - name: web\n    endpoints:\n      - {id: w1}\n"
        #expect(Self.scenarioError(base + "traffic:\n  - {service: web, rps: 2e6}\n")
            == "s.yaml:7: traffic[0].rps: rps must be at most 1000000, got 2000000")
        #expect(Self.scenarioError(base + "traffic:\n  - {service: web, rps: 600000}\n  - {service: web, rps: 300000, pattern: sine}\n")
            == "s.yaml:8: traffic[1]: traffic adds up to 1050000 requests per second at its peaks; the simulator runs at most 1000000")
        #expect(Self.scenarioError(base + "traffic:\n  - {service: web, rps: -1}\n")
            == "s.yaml:7: traffic[0].rps: rps must be at least 0, got -1")
        #expect(Self.scenarioError(base + "traffic:\n  - {service: web, rps: .nan}\n")
            == "s.yaml:7: traffic[0].rps: expected a number, got '.nan'")
        #expect(Self.scenarioError("name: t\nduration: 1e308m\nservices: []\n")
            == "s.yaml:2: duration: must be at most 720h, got 1e308m")
        #expect(Self.scenarioError("name: t\nseed: -1\nservices: []\n")
            == "s.yaml:2: seed: seed must be at least 0, got -1")
        #expect(Self.scenarioError(base.replacingOccurrences(of: "{id: w1}", with: "{id: w1, capacity: 0}"))
            == "s.yaml:5: services[0].endpoints[0].capacity: capacity (requests per second) must be at least 0.001, got 0")
        let registrations = (1...10_000).map { "  - {at: 1s, action: register, target: web, endpoint: {id: r\($0)}}" }.joined(separator: "\n")
        #expect(Self.scenarioError(base + "timeline:\n" + registrations + "\n")
            == "s.yaml:10006: timeline[9999].endpoint: registers more than 10000 endpoints in this scenario (the most mesh-top runs)")
    }

    @Test func alertLimitsAreInRange() {
        #expect(Self.configError("services: []\nalerts:\n  - {name: a, service: \"*\", when: \"rps > 1e300\"}\n")
            == "mesh.yaml:3: alerts[0].when: bad value '1e300' for rps in 'rps > 1e300' (expected a number of requests per second, at most 1000000000)")
        #expect(Self.configError("services: []\nalerts:\n  - {name: a, service: \"*\", when: \"p99 > 1s\", for: 1e20s}\n")
            == "mesh.yaml:3: alerts[0].for: must be at most 24h, got 1e20s")
    }

    @Test func durationsPrintBackWithoutTrapping() {
        #expect(MeshDuration.format(1e20) == "1e+20s")
        #expect(MeshDuration.format(.greatestFiniteMagnitude).hasSuffix("s"))
        #expect(MeshDuration.format(.infinity) == "inf" && MeshDuration.format(.nan) == "NaN")
        #expect(MeshDuration.format(3600) == "1h" && MeshDuration.format(300) == "5m" && MeshDuration.format(0.25) == "250ms")
        #expect(MeshDuration.parse("1e308m") == nil && MeshDuration.seconds("1e308m") == .infinity)
        #expect(MeshDuration.nanoseconds(1e20) == .max && MeshDuration.nanoseconds(.nan) == 0 && MeshDuration.nanoseconds(-1) == 0)
    }
}
