import Foundation
import MeshCore
import Testing

/// Every bundled scenario, run by the real binary headless at `--speed max`: its story must happen.
@Suite struct ScenarioStoryTests {
    static let root = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    struct Run {
        var events: [MeshEvent]
        var stderr: String

        func samples(_ endpoint: String, from: Double, to: Double) -> [EndpointLoad] {
            events.compactMap { e in
                guard e.t > from, e.t <= to, case .sample(let s) = e.body else { return nil }
                return s.endpoints.first { $0.endpoint.description == endpoint }?.load
            }
        }
        func rps(_ endpoint: String, from: Double, to: Double) -> Double {
            let loads = samples(endpoint, from: from, to: to)
            return loads.isEmpty ? 0 : loads.reduce(0) { $0 + $1.rps } / Double(loads.count)
        }
        var changes: [(t: Double, change: StateChange)] {
            events.compactMap { if case .endpointState(let c) = $0.body { ($0.t, c) } else { nil } }
        }
        func states(of endpoint: String) -> [EndpointState] {
            changes.filter { $0.change.endpoint.description == endpoint }.map(\.change.to)
        }
    }

    func demo(_ file: String, _ extra: [String] = []) throws -> Run {
        let result = try Executable("mesh-top").run(["demo", "demo/\(file)", "--headless", "--speed", "max"] + extra, in: Self.root)
        #expect(result.status == 0, "\(file): \(result.stderr)")
        let decoder = JSONDecoder()
        let events = try result.stdout.split(separator: "\n").map { try decoder.decode(MeshEvent.self, from: Data($0.utf8)) }
        return Run(events: events, stderr: result.stderr)
    }

    @Test func zoneOutageFailsOverToZoneBAndBack() throws {
        let run = try demo("zone-outage.yaml")
        // Crash at 20 s: passive ejection (reset requests) or 3 failed checks at 1 s intervals
        // (plus jitter) later, zone a gets nothing.
        #expect(run.rps("checkout/checkout-a1", from: 5, to: 20) > 100)
        for id in ["a1", "a2", "a3"] {
            #expect(run.rps("checkout/checkout-\(id)", from: 20 + 3 * 1 + 1 + 1, to: 60) == 0)
        }
        #expect(run.rps("checkout/checkout-b1", from: 26, to: 60) > 100)
        let failovers = run.events.compactMap { e -> (Double, Failover)? in if case .failover(let f) = e.body { (e.t, f) } else { nil } }
        #expect(failovers.contains { $0.0 >= 20 && $0.0 < 26 && $0.1.service == "checkout" && $0.1.to == "b" })
        #expect(failovers.contains { $0.0 > 60 && $0.1.service == "checkout" && $0.1.to == "a" })
        #expect(run.rps("checkout/checkout-a1", from: 70, to: 90) > 100)
        #expect(run.stderr.contains("checkout/checkout-a1"))
    }

    @Test func slowEndpointIsAvoidedByEWMAButNotByRoundRobin() throws {
        let run = try demo("slow-endpoint.yaml")
        let rrShare = run.rps("orders-rr/orders-3", from: 20, to: 60) / 600
        let ewmaShare = run.rps("orders-ewma/orders-3", from: 20, to: 60) / 600
        #expect(rrShare > 0.28 && rrShare < 0.38)
        #expect(ewmaShare < 0.1)
        let rrP99 = run.samples("orders-rr/orders-3", from: 20, to: 60).map(\.p99).max() ?? 0
        #expect(rrP99 > 0.3)
        // After recovery at 60 s, p2c-ewma gives it its share back.
        #expect(run.rps("orders-ewma/orders-3", from: 68, to: 75) / 600 > 0.2)
    }

    @Test func rollingDeployDrainsReplacesAndRestores() throws {
        let run = try demo("rolling-deploy.yaml")
        #expect(run.states(of: "api/api-1").starts(with: [.healthy, .draining, .drained, .killed, .unknown, .healthy]))
        #expect(run.rps("api/api-1", from: 12, to: 22) == 0)
        #expect(run.rps("api/api-1", from: 35, to: 40) > 100)
        #expect(run.rps("api/api-2", from: 42, to: 52) == 0)
        let registry = run.events.compactMap { if case .registry(let r) = $0.body { "\(r.action.rawValue) \(r.endpoint.id)" } else { nil } }
        #expect(registry == ["registered api-4", "deregistered api-3"])
        #expect(run.rps("api/api-4", from: 85, to: 100) > 100)
        // Slow start: the restored api-1 ramps up rather than taking a full share at once.
        let ramp = run.samples("api/api-1", from: 23, to: 40).map(\.rps)
        #expect((ramp.first ?? 0) < (ramp.last ?? 0))
        // Planned work is no fault: no flapping alert for a rolling deploy.
        let alerts = run.events.compactMap { if case .alert(let a) = $0.body { a.name } else { nil } }
        #expect(!alerts.contains("flapping"), "alerts: \(alerts)")
    }

    @Test func trafficSpikeEndsInPanicAndRecovers() throws {
        let run = try demo("traffic-spike.yaml")
        let panics = run.events.compactMap { e -> (Double, PanicChange)? in if case .panic(let p) = e.body { (e.t, p) } else { nil } }
        #expect(panics.contains { $0.0 > 20 && $0.0 < 50 && $0.1.active })
        #expect(panics.last?.1.active == false)
        #expect(run.changes.contains { $0.t > 20 && $0.t < 50 && $0.change.to == .unhealthy })
        for i in 1...4 { #expect(run.states(of: "search/search-\(i)").last == .healthy) }
        // The service counts what clients sent (a 2,400/s peak), not the retried attempts.
        let peak = run.events.compactMap { e -> (Double, ServiceSample)? in
            guard e.t > 22, e.t < 48, case .sample(let s) = e.body, let search = s.services?.first else { return nil }
            return (e.t, search)
        }
        #expect(!peak.isEmpty)
        let requests = peak.map(\.1.rps).reduce(0, +) / Double(peak.count)
        #expect(abs(requests - 2400) < 150, "client requests/s at the peak: \(requests)")
        #expect(peak.contains { $0.1.retries > 100 }, "retries are their own figure")
    }

    /// `demo mesh.yaml`: the run config's services and endpoints, simulated with default
    /// latencies and capacities (overridable), traffic on the preferred zone, no flapping.
    @Test func aRunConfigIsSimulatedWithItsShape() throws {
        let run = try demo("mesh.yaml", ["--duration", "20s"])
        #expect(run.rps("web/web-1", from: 3, to: 20) > 150)
        #expect(run.rps("web/web-2", from: 3, to: 20) == 0, "zone b waits while zone a is healthy")
        for id in ["web-1", "web-2", "web-3"] { #expect(run.states(of: "web/\(id)") == [.healthy]) }
        let p50 = run.samples("web/web-1", from: 5, to: 20).map(\.p50)
        #expect(p50.allSatisfy { $0 > 0.01 && $0 < 0.04 }, "default p50 20ms: \(p50)")
        let fast = try demo("mesh.yaml", ["--duration", "10s", "--p50", "2ms", "--rps", "50"])
        #expect(fast.samples("web/web-1", from: 3, to: 10).allSatisfy { $0.p50 < 0.005 })
        #expect(abs(fast.rps("web/web-1", from: 3, to: 10) - 50) < 15)
        let wrong = try Executable("mesh-top").run(["demo", "demo/zone-outage.yaml", "--rps", "5", "--headless"], in: Self.root)
        #expect(wrong.status != 0 && wrong.stderr.contains("--rps") && wrong.stderr.split(separator: "\n").count == 1)
    }

    @Test func sameSeedGivesTheSameEventsByteForByte() throws {
        let a = try Executable("mesh-top").run(["demo", "demo/zone-outage.yaml", "--headless", "--speed", "max", "--duration", "30s"], in: Self.root)
        let b = try Executable("mesh-top").run(["demo", "demo/zone-outage.yaml", "--headless", "--speed", "max", "--duration", "30s"], in: Self.root)
        let c = try Executable("mesh-top").run(["demo", "demo/zone-outage.yaml", "--headless", "--speed", "max", "--duration", "30s", "--seed", "9"], in: Self.root)
        #expect(!a.stdout.isEmpty)
        #expect(a.stdout == b.stdout)
        #expect(a.stdout != c.stdout)
    }

    @Test func builtInTourRunsFromAnyDirectory() throws {
        let result = try Executable("mesh-top").run(["--headless", "--speed", "max", "--duration", "60s"],
                                                    in: FileManager.default.temporaryDirectory)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("\"type\":\"failover\"") || result.stdout.contains("\"type\":\"endpoint.state\""))
    }

    @Test func bundledRecordingReplaysHeadless() throws {
        let result = try Executable("mesh-top").run(["replay", "demo/zone-outage.jsonl", "--headless", "--speed", "max"], in: Self.root)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("\"type\":\"failover\""))
        let validate = try Executable("mesh-top").run(["validate", "demo/zone-outage.jsonl"], in: Self.root)
        #expect(validate.status == 0, "\(validate.stderr)")
    }

    @Test func badInputIsOneLineAndNonZero() throws {
        let missing = try Executable("mesh-top").run(["demo", "no-such.yaml", "--headless"], in: Self.root)
        #expect(missing.status != 0)
        #expect(missing.stderr.contains("no-such.yaml"))
        #expect(missing.stderr.split(separator: "\n").count == 1)
        let speed = try Executable("mesh-top").run(["demo", "--headless", "--speed", "fast"], in: Self.root)
        #expect(speed.status != 0)
        #expect(speed.stderr.contains("--speed"))
        let notRecording = try Executable("mesh-top").run(["replay", "demo/zone-outage.yaml", "--headless"], in: Self.root)
        #expect(notRecording.status != 0)
        #expect(notRecording.stderr.contains("not a mesh-top recording"))
    }
}
