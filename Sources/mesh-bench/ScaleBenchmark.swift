public import ArgumentParser
import CMalloc
import Foundation
import MeshConfig
import MeshCore
import MeshSession
import MeshSim
import MeshTUI

/// `mesh-bench scale`: how each cost grows with the mesh, from 10 to 100,000 endpoints in one
/// service: a pick per balancer, a 200x60 frame, state bytes, one sample, one endpoint's change of
/// state, and recording bytes per endpoint-hour. Prints a table and writes the same as a log-log
/// SVG chart (`ScaleChart`).
struct ScaleBenchmark: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "scale",
        abstract: "How pick, frame, memory, sample and recording costs grow from 10 to 100,000 endpoints (table and SVG chart)."
    )

    @Option(name: .customLong("endpoints"), parsing: .upToNextOption, help: "Endpoint counts to measure.")
    var counts = [10, 100, 1_000, 10_000, 100_000]

    @Option(name: .customLong("balancer"), help: "Measure picks of only this balancer (repeatable); all when absent.")
    var balancers: [BalancerKind] = []

    @Option(help: "Timed runs per figure; the median is shown.") var runs = 5
    @Option(help: "Mesh seconds recorded to measure recording growth.") var seconds = 10.0
    @Option(help: "Where to write the chart.") var svg = "docs/scale.svg"

    func validate() throws {
        guard !counts.isEmpty, counts.allSatisfy({ $0 > 0 }), runs > 0, seconds >= 2 else {
            throw ValidationError("--endpoints must be positive, --runs positive and --seconds at least 2")
        }
    }

    /// One row of the table: the figures at one endpoint count.
    struct Row {
        var endpoints: Int
        /// ns per pick, by balancer.
        var picks: [BalancerKind: Double]
        var frameSeconds: Double
        var bytesPerEndpoint: Double
        var sampleSeconds: Double
        /// One endpoint going down or up through its checks: the service is re-planned.
        var stateChangeSeconds: Double
        var recordingBytesPerEndpointHour: Double
    }

    func run() throws {
        let kinds = balancers.isEmpty ? BalancerKind.allCases : balancers
        print("one service of n endpoints; medians of \(runs) runs; frame 200x60; memory = heap growth while building")
        print("engine state with full sparklines and a p2c-ewma balancer over its host set (as state_of_10000_endpoints);")
        print("sample = engine.recordSample of every endpoint; change = one endpoint")
        print("down or up by its checks; recording from a \(Measure.format(seconds, 0)) s simulated run at 1 rps per endpoint")
        print("(services of at most \(Self.recordedServiceSize) endpoints), scaled to an hour")
        var header = lpad("endpoints", 10)
        for kind in kinds { header += lpad(kind.rawValue + " ns", kind.rawValue.count + 5) }
        header += lpad("frame ms", 10) + lpad("B/endpoint", 12) + lpad("sample ms", 11) + lpad("change ms", 11)
            + lpad("rec KB/endpoint-h", 19)
        print(header)
        var rows: [Row] = []
        for n in counts {
            let row = try measure(n, kinds: kinds)
            rows.append(row)
            var line = lpad("\(n)", 10)
            for kind in kinds { line += lpad(Measure.format(row.picks[kind] ?? .nan, 1), kind.rawValue.count + 5) }
            line += lpad(Measure.format(row.frameSeconds * 1e3, 3), 10) + lpad(Measure.format(row.bytesPerEndpoint, 0), 12)
                + lpad(Measure.format(row.sampleSeconds * 1e3, 3), 11) + lpad(Measure.format(row.stateChangeSeconds * 1e3, 3), 11)
                + lpad(Measure.format(row.recordingBytesPerEndpointHour / 1e3, 1), 19)
            print(line)
        }
        let chart = ScaleChart(rows: rows, kinds: kinds)
        report(chart)
        try? FileManager.default.createDirectory(atPath: (svg as NSString).deletingLastPathComponent,
                                                 withIntermediateDirectories: true)
        do {
            try chart.svg().write(toFile: svg, atomically: true, encoding: .utf8)
        } catch {
            throw ValidationError("\(svg): cannot write the chart: \(error.localizedDescription)")
        }
        print("chart: \(svg)")
    }

    /// Names every cost whose cost per unit of work grew more than 2x from the smallest mesh to
    /// the largest, or more than 1.5x over the last step (where caches and O(n log n) show).
    private func report(_ chart: ScaleChart) {
        guard chart.rows.count > 1, let first = chart.rows.first, let last = chart.rows.last else { return }
        let before = chart.rows[chart.rows.count - 2]
        print("cost per unit of work (a pick or a change; an endpoint for the rest), \(last.endpoints) endpoints vs "
              + "\(first.endpoints), and vs \(before.endpoints):")
        var faster: [String] = []
        for series in chart.series {
            let values = series.values
            let growth = values[values.count - 1] / values[0], step = values[values.count - 1] / values[values.count - 2]
            print("  " + series.name.padding(toLength: 36, withPad: " ", startingAt: 0)
                  + lpad(Measure.format(growth, 2) + "x", 10) + lpad(Measure.format(step, 2) + "x", 10))
            if growth > 2 || step > 1.5 { faster.append(series.name) }
        }
        print(faster.isEmpty ? "nothing grows faster than the work" : "grows faster than the work: " + faster.joined(separator: "; "))
    }

    private func measure(_ n: Int, kinds: [BalancerKind]) throws -> Row {
        var picks: [BalancerKind: Double] = [:]
        for kind in kinds { picks[kind] = pickNanoseconds(kind, endpoints: n) }
        let (bytes, engine) = buildState(n)
        let sample = sampleSeconds(engine)
        let frame = frameSeconds(engine.state)
        let change = stateChangeSeconds(engine)
        let recording = try recordingBytesPerEndpointHour(n)
        return Row(endpoints: n, picks: picks, frameSeconds: frame, bytesPerEndpoint: bytes, sampleSeconds: sample,
                   stateChangeSeconds: change, recordingBytesPerEndpointHour: recording)
    }

    /// Runs long enough (about 20 ms) to time at every size: few iterations where one is slow.
    private func medianSeconds(perIteration body: () -> Void) -> Double {
        Self.medianSeconds(runs: runs, perIteration: body)
    }

    static func medianSeconds(runs: Int, perIteration body: () -> Void) -> Double {
        var iterations = 1
        while true {
            let t = Measure.time { for _ in 0..<iterations { body() } }
            if t >= 0.02 || iterations >= 1 << 24 { break }
            iterations *= t < 0.002 ? 10 : 2
        }
        var times: [Double] = []
        for _ in 0..<runs { times.append(Measure.time { for _ in 0..<iterations { body() } } / Double(iterations)) }
        return Measure.median(times)
    }

    private func pickNanoseconds(_ kind: BalancerKind, endpoints n: Int) -> Double {
        var random = SeededRandom(seed: 1)
        var balancer = Balancer(kind: kind, seed: 1)
        balancer.update(HostSet(hosts: (0..<n).map { index in
            HostSet.Host(slot: Int32(index), weight: UInt32(50 + random.below(101)), key: StableHash.hash("big/endpoint-\(index)"))
        }))
        for slot in 0..<Int32(n) {
            balancer.requestStarted(slot: slot)
            balancer.requestFinished(slot: slot, latency: 0.005 + 0.05 * random.unit(), now: 10 * random.unit())
        }
        var hash: UInt64 = 0, sum: Int64 = 0
        let seconds = medianSeconds {
            hash &+= 0x9E37_79B9_7F4A_7C15
            sum &+= Int64(balancer.pick(hash: hash) ?? -1)
        }
        blackHole(sum)
        return seconds * 1e9
    }

    /// The engine of one service of `n` endpoints, every one healthy, with a full minute of
    /// samples. They start healthy: bringing them up one check at a time re-plans the service
    /// each time, O(n²) in all (see `stateChangeSeconds`).
    static func healthyEngine(_ n: Int) -> MeshEngine {
        let mesh = MeshState(name: "scale", services: [Service(name: "big", balancer: .p2cEWMA, zones: ["a", "b"],
            endpoints: (0..<n).map { Endpoint(id: "endpoint-\($0)", address: "10.\($0 / 62_500).\($0 / 250 % 250).\($0 % 250):8080",
                                              zone: $0 % 2 == 0 ? "a" : "b", state: .healthy) })])
        let engine = MeshEngine(mesh: mesh, policies: ["big": ServicePolicy(balancer: .p2cEWMA, zones: ["a", "b"])])
        _ = engine.start(now: 0)
        do {
            // Gone before counting: the references are the benchmark's, not the state's.
            let refs = engine.state.services[0].endpoints.map { EndpointRef(service: "big", endpoint: $0.id) }
            for t in 0..<Endpoint.historyLength { _ = engine.recordSample(entries(refs, t), now: Double(2 + t)) }
        }
        return engine
    }

    private static func entries(_ refs: [EndpointRef], _ t: Int) -> [LoadSample.Entry] {
        refs.map { LoadSample.Entry(endpoint: $0, load: EndpointLoad(rps: Double(10 + t % 7), active: 1, p50: 0.01, p99: 0.05)) }
    }

    /// Heap bytes per endpoint for the engine (`healthyEngine`) and a p2c-ewma balancer over its
    /// host set, as the micro benchmark `state_of_10000_endpoints` counts them (the floor is for both).
    private func buildState(_ n: Int) -> (Double, MeshEngine) {
        let before = Self.heapBytes()
        let engine = Self.healthyEngine(n)
        let beforeBalancer = Self.heapBytes()
        var balancer = Balancer(kind: .p2cEWMA, seed: 1)
        balancer.update(engine.hostSet(ofService: 0))
        let after = Self.heapBytes()
        withExtendedLifetime(balancer) {}
        if n == counts.max() {
            print("  (\(n) endpoints: engine \(Measure.format(Double(beforeBalancer - before) / Double(n), 0)) B, balancer "
                  + "\(Measure.format(Double(after - beforeBalancer) / Double(n), 0)) B an endpoint)")
        }
        return (Double(after - before) / Double(n), engine)
    }

    /// One sample of every endpoint, entries included, into an engine with full sparklines.
    private func sampleSeconds(_ engine: MeshEngine) -> Double {
        let refs = engine.state.services[0].endpoints.map { EndpointRef(service: "big", endpoint: $0.id) }
        var t = 100
        return medianSeconds {
            t += 1
            _ = engine.recordSample(Self.entries(refs, t), now: Double(t))
        }
    }

    /// One endpoint down by failed checks and up again by passing ones; per change of state.
    private func stateChangeSeconds(_ engine: MeshEngine) -> Double {
        let slots = engine.slots(ofService: 0)
        var next = 0, t = 1_000.0
        return medianSeconds {
            let slot = slots[next % slots.count]
            next += 1
            for passed in [false, true] {
                for _ in 0..<10 {
                    t += 1
                    _ = engine.healthCheck(service: 0, slot: slot, passed: passed, now: t)
                    if (engine.state.services[0].endpoints[Int(slot)].state == .healthy) == passed { break }
                }
            }
        } / 2
    }

    private func frameSeconds(_ state: MeshState) -> Double {
        let frame = Self.frame(of: state)
        return medianSeconds { _ = render(frame, size: (200, 60)) }
    }

    /// The frame `scale` and `frame` draw: the first endpoint selected.
    static func frame(of state: MeshState, sort: DashboardView.SortKey = .name) -> DashboardFrame {
        var view = DashboardView()
        view.sort = sort
        view.selection = .endpoint(EndpointRef(service: "big", endpoint: "endpoint-0"))
        return DashboardFrame(state: state, status: SessionStatus(mode: .demo, speed: 1, source: "bench", duration: 120), view: view)
    }

    /// Services of the recorded mesh are at most this large: every endpoint comes up through its
    /// checks, and each one re-plans its service.
    static let recordedServiceSize = 1_000

    /// Bytes of events (the header, which holds the mesh once, left out) per endpoint and mesh hour.
    private func recordingBytesPerEndpointHour(_ n: Int) throws -> Double {
        let sizes = stride(from: 0, to: n, by: Self.recordedServiceSize).map { min(Self.recordedServiceSize, n - $0) }
        let services = sizes.enumerated().map { s, size in
            ScenarioService(name: "service-\(s)", endpoints: (0..<size).map {
                SimulatedEndpointConfig(id: "endpoint-\($0)", zone: $0 % 2 == 0 ? "a" : "b")
            }, policy: ServicePolicy(balancer: .p2cEWMA, zones: ["a", "b"]))
        }
        let scenario = Scenario(name: "scale", seed: 1, duration: seconds, services: services,
                                traffic: zip(services, sizes).map { TrafficConfig(service: $0.name, rps: Double($1)) })
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("mesh-bench-scale-\(getpid()).jsonl").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let writer = try RecordingWriter(path: path, header: RecordingHeader(source: "demo", started: RecordingWriter.timestamp(),
                                                                            mesh: Simulator.mesh(of: scenario)))
        let headerBytes = try fileSize(path)
        let simulator = Simulator(scenario: scenario)
        simulator.onEvent = { try? writer.write($0) }
        simulator.start()
        simulator.advance(to: seconds)
        return Double(try fileSize(path) - headerBytes) / Double(n) / seconds * 3600
    }

    private func fileSize(_ path: String) throws -> Int {
        (try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
    }

    private func lpad(_ text: String, _ width: Int) -> String {
        String(repeating: " ", count: max(0, width - text.count)) + text
    }
}

extension ScaleBenchmark {
    /// Bytes the allocator has handed out (glibc's `mallinfo2`: arena in use plus mmapped blocks).
    /// Looked up at run time: a direct call read 0 in this package's release build (not understood yet).
    static func heapBytes() -> Int {
        typealias MallInfo = @convention(c) () -> mallinfo2
        guard let symbol = dlsym(nil, "mallinfo2") else { return 0 }
        let info = unsafeBitCast(symbol, to: MallInfo.self)()
        return Int(info.uordblks + info.hblkhd)
    }
}

/// Keeps a result alive so the optimiser cannot drop the loop that made it.
@_optimize(none)
func blackHole(_ value: Int64) {}

/// `--balancer` takes the names mesh.yaml uses.
extension BalancerKind: ExpressibleByArgument {}
