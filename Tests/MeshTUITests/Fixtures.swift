import Foundation
import MeshCore
@testable import MeshTUI

/// Meshes built from events, the way the engine builds them, for golden frames and key scripts.
enum Fixtures {
    static func ref(_ s: String, _ e: String) -> EndpointRef { EndpointRef(service: s, endpoint: e) }

    /// Three services: zones with a failover, draining/killed/ejected endpoints, an alert.
    static func mesh() -> MeshState {
        var state = MeshState(name: "Zone A outage", summary: "checkout loses zone a", source: "demo", services: [
            Service(name: "checkout", balancer: .p2cEWMA, zones: ["a", "b"], listen: "127.0.0.1:8080", proto: "http", endpoints: [
                Endpoint(id: "checkout-a1", address: "10.0.1.11:9001", zone: "a"),
                Endpoint(id: "checkout-a2", address: "10.0.1.12:9001", zone: "a"),
                Endpoint(id: "checkout-b1", address: "10.0.2.11:9001", zone: "b"),
                Endpoint(id: "checkout-b2", address: "10.0.2.12:9001", zone: "b", weight: 50),
            ]),
            Service(name: "payments", balancer: .leastRequest, zones: ["a", "b"], endpoints: [
                Endpoint(id: "pay-a1", address: "10.0.1.21:7000", zone: "a"),
                Endpoint(id: "pay-b1", address: "10.0.2.21:7000", zone: "b"),
                Endpoint(id: "pay-b2", address: "10.0.2.22:7000", zone: "b"),
            ]),
            Service(name: "search", balancer: .roundRobin, endpoints: [
                Endpoint(id: "search-1", address: "10.0.3.1:8500"),
                Endpoint(id: "search-2", address: "10.0.3.2:8500"),
                Endpoint(id: "search-3", address: "10.0.3.3:8500", weight: 200),
            ]),
        ])
        var seq: UInt64 = 0
        func at(_ t: Double, _ body: MeshEvent.Body) { seq += 1; state.apply(MeshEvent(seq: seq, t: t, body: body)) }
        func change(_ t: Double, _ r: EndpointRef, _ from: EndpointState, _ to: EndpointState, _ why: String) {
            at(t, .endpointState(StateChange(endpoint: r, from: from, to: to, reason: why)))
        }
        let all = state.services.flatMap { s in s.endpoints.map { ref(s.name, $0.id) } }
        for (i, r) in all.enumerated() { change(1 + Double(i) * 0.1, r, .unknown, .healthy, "2 checks passed") }

        // Sixty one-second samples: steady traffic with a wave, zone a failing from t=40.
        let base: [String: Double] = ["checkout-a1": 210, "checkout-a2": 190, "checkout-b1": 220, "checkout-b2": 105,
                                      "pay-a1": 80, "pay-b1": 75, "pay-b2": 70, "search-1": 30, "search-2": 28, "search-3": 61]
        for tick in 0..<60 {
            let t = Double(tick) + 2
            var entries: [LoadSample.Entry] = []
            for (n, r) in all.enumerated() {
                let wave = 1 + 0.35 * sin(Double(tick) / 2.5 + Double(n))
                var rps = (base[r.endpoint] ?? 10) * wave
                if r.endpoint.hasPrefix("checkout-a"), tick >= 40 { rps = r.endpoint == "checkout-a1" ? 0 : rps * 0.2 }
                if r.endpoint.hasPrefix("checkout-b"), tick >= 40 { rps *= 1.8 }
                if r.endpoint == "search-2", tick >= 50 { rps = 0 }
                if r.endpoint == "pay-a1", tick >= 45 { rps = 0 }
                let slow = r.endpoint.hasPrefix("checkout-a") && tick >= 38
                entries.append(.init(endpoint: r, load: EndpointLoad(
                    rps: rps, active: Int(rps / 20), p50: slow ? 0.180 : 0.021, p99: slow ? 0.740 : 0.084,
                    errors: r.endpoint == "checkout-a2" && tick >= 40 ? rps * 0.3 : rps * 0.001,
                    latency: latency(of: r, rps: rps, slow: slow),
                    balancer: view(of: r, tick: tick, active: Int(rps / 20)),
                    checks: [check(of: r, at: t - 0.5, tick: tick)], outlier: outlier(of: r, tick: tick))))
            }
            at(t, .sample(LoadSample(endpoints: entries, services: services(entries, tick: tick))))
            switch tick {
            case 39: at(t + 0.2, .fault(Fault(action: "crash", target: "checkout/checkout-a1")))
            case 40: change(t + 0.5, ref("checkout", "checkout-a1"), .healthy, .unhealthy, "3 checks failed")
            case 42: change(t + 0.3, ref("checkout", "checkout-a2"), .healthy, .unhealthy, "3 checks failed")
            case 43: at(t + 0.1, .failover(Failover(service: "checkout", from: "a", to: "b", reason: "zone a has no healthy endpoints")))
            case 45: change(t + 0.4, ref("payments", "pay-a1"), .healthy, .ejected, "5 consecutive failures")
            case 48:
                at(t + 0.2, .operatorCommand(OperatorCommand(action: .drain, target: ref("checkout", "checkout-b2"), by: "keyboard")))
                change(t + 0.2, ref("checkout", "checkout-b2"), .healthy, .draining, "operator drain")
            case 50:
                at(t + 0.6, .operatorCommand(OperatorCommand(action: .kill, target: ref("search", "search-2"), by: "api")))
                change(t + 0.6, ref("search", "search-2"), .healthy, .killed, "operator kill")
            case 52: at(t + 0.5, .alert(AlertChange(name: "low-success", severity: .critical, state: .firing, subject: "checkout", value: 0.962)))
            case 55:
                at(t + 0.1, .operatorCommand(OperatorCommand(action: .weight, target: ref("search", "search-3"), by: "keyboard", weight: 200)))
            default: break
            }
        }
        return state
    }

    /// checkout's p2c-ewma as it sees its endpoints: zone a until it fails, then zone b, b2
    /// ramping up (slow start) until it is drained.
    static func view(of r: EndpointRef, tick: Int, active: Int) -> BalancerView? {
        guard r.service == "checkout" else { return nil }
        let zoneA = r.endpoint.hasPrefix("checkout-a")
        if zoneA && tick >= 40 || r.endpoint == "checkout-b2" && tick >= 48 { return nil }
        let latency = zoneA && tick >= 38 ? 0.180 : 0.021
        let b2 = r.endpoint == "checkout-b2"
        let share = tick < 40 ? 0.25 : b2 ? 1.0 / 3 : 2.0 / 3
        return BalancerView(weight: b2 ? 2_000 : 10_000, slowStart: b2 ? 0.4 : nil, share: share, active: active,
                            latency: latency, cost: latency * Double(active + 1))
    }

    /// Each service as clients saw it: fewer requests than attempts (retries of zone a's
    /// failures), and the balancers' latest picks.
    static func services(_ entries: [LoadSample.Entry], tick: Int) -> [ServiceSample] {
        ["checkout", "payments", "search"].map { name in
            let mine = entries.filter { $0.endpoint.service == name }
            let attempts = mine.reduce(0) { $0 + $1.load.rps }, errors = mine.reduce(0) { $0 + $1.load.errors }
            let retries = name == "checkout" && tick >= 40 ? errors * 0.9 : 0
            var sample = ServiceSample(service: name, rps: attempts - retries, retries: retries, errors: errors - retries)
            if name == "checkout" {
                let zone = tick >= 40 ? "b" : "a"
                sample.picks = [
                    BalancerPick(candidates: ["checkout-\(zone)1", "checkout-\(zone)2"], scores: [0.021, 0.063], picked: "checkout-\(zone)1"),
                    BalancerPick(candidates: ["checkout-\(zone)2", "checkout-\(zone)1"], scores: [0.042, 0.105], picked: "checkout-\(zone)2"),
                    BalancerPick(candidates: ["checkout-\(zone)1", "checkout-\(zone)2"], scores: [0, 0.084], picked: "checkout-\(zone)1"),
                ]
            } else if name == "payments" {
                sample.picks = [BalancerPick(candidates: ["pay-b2", "pay-b1"], scores: [2, 3], picked: "pay-b2")]
            }
            return sample
        }
    }

    /// One check a second: zone a's fail once it is slow, the rest pass in about 20 ms.
    static func check(of r: EndpointRef, at t: Double, tick: Int) -> CheckMark {
        let failing = r.endpoint.hasPrefix("checkout-a") && tick >= 38 || r.endpoint == "search-2" && tick >= 50
        return CheckMark(t: t, passed: !failing, latency: failing ? 0.5 : 0.012 + Double((tick * 7 + r.endpoint.count) % 30) / 1000)
    }

    static func outlier(of r: EndpointRef, tick: Int) -> OutlierRecord? {
        guard r.service == "payments" else { return nil }
        if r.endpoint == "pay-a1", tick >= 45 { return OutlierRecord(failures: 0, ejections: 1, until: 77) }
        return OutlierRecord(failures: r.endpoint == "pay-b2" ? 2 : 0, ejections: 0)
    }

    /// The window's latencies in Prometheus buckets: most between 10 and 50 ms, a slow tail.
    static func latency(of r: EndpointRef, rps: Double, slow: Bool) -> LatencyWindow? {
        let n = UInt32(rps)
        guard n > 0 else { return nil }
        var buckets = [UInt32](repeating: 0, count: LatencyWindow.bounds.count + 1)
        if slow {
            buckets[8] = n / 2; buckets[9] = n / 3; buckets[10] = n - n / 2 - n / 3
        } else {
            buckets[4] = n / 10; buckets[5] = n / 2; buckets[6] = n / 4; buckets[7] = n - n / 10 - n / 2 - n / 4
        }
        return LatencyWindow(buckets: buckets, sum: Double(n) * (slow ? 0.3 : 0.025))
    }

    /// Endpoint names in scripts whose width is not one column per code point (case 08).
    static func scripts() -> MeshState {
        let names = ["plain-0", "\u{652F}\u{4ED8}-1", "\u{ACB0}\u{C81C}-2", "\u{1100}\u{1167}\u{11AF}\u{110C}\u{1166}-3",
                     "\u{0E2A}\u{0E27}\u{0E31}\u{0E2A}\u{0E14}\u{0E35}-4", "e\u{301}\u{301}te\u{0301}-5", "\u{FF21}\u{FF30}\u{FF29}-6"]
        var state = MeshState(name: "widths", source: "demo", services: [
            Service(name: "svc", endpoints: names.map { Endpoint(id: $0) }),
        ])
        for (i, name) in names.enumerated() {
            state.apply(MeshEvent(seq: UInt64(i + 1), t: 1, body: .endpointState(StateChange(
                endpoint: ref("svc", name), from: .unknown, to: .healthy, reason: "check passed"))))
        }
        let entries = names.enumerated().map { i, name in
            LoadSample.Entry(endpoint: ref("svc", name), load: EndpointLoad(rps: Double(10 + i), active: 1, p50: 0.02, p99: 0.08))
        }
        state.apply(MeshEvent(seq: UInt64(names.count + 1), t: 2, body: .sample(LoadSample(endpoints: entries))))
        return state
    }

    static let demo = SessionStatus(mode: .demo, speed: 1, source: "zone-outage.yaml", duration: 120)
    static let replay = SessionStatus(mode: .replay, speed: 4, source: "run.jsonl", duration: 300)
    static let live = SessionStatus(mode: .live, source: "mesh.yaml")

    /// `services` × `perService` endpoints over three zones, with full histories.
    static func large(services: Int, perService: Int) -> MeshState {
        var history = [Float](repeating: 0, count: Endpoint.historyLength)
        for i in history.indices { history[i] = Float(50 + (i * 37) % 40) }
        var list: [Service] = []
        for s in 0..<services {
            var endpoints: [Endpoint] = []
            endpoints.reserveCapacity(perService)
            for e in 0..<perService {
                let zone = ["a", "b", "c"][e % 3]
                var endpoint = Endpoint(id: "svc\(s)-ep\(String(1_000_000 + e).dropFirst())", address: "10.\(s).\(e / 250).\(e % 250):80",
                                        zone: zone, state: e % 97 == 0 ? .unhealthy : .healthy)
                endpoint.load = EndpointLoad(rps: Double((e * 7919) % 500), active: e % 13, p50: 0.02, p99: 0.08 + Double(e % 50) / 1000, errors: Double(e % 5) / 10)
                endpoint.history = Sparkline(history)
                endpoints.append(endpoint)
            }
            list.append(Service(name: "service-\(s)", balancer: .p2cEWMA, zones: ["a", "b", "c"], endpoints: endpoints))
        }
        return MeshState(name: "large", services: list)
    }
}

extension SessionCommand {
    /// What a key sends for an operator action: the command, by the keyboard.
    static func operate(_ action: OperatorAction, _ target: EndpointRef, weight: Int?) -> SessionCommand {
        .operate(OperatorCommand(action: action, target: target, by: OperatorCommand.keyboard, weight: weight))
    }
}
