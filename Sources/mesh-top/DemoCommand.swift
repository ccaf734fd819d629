import ArgumentParser
import Foundation
import MeshConfig
import MeshCore
import MeshSession
import MeshTUI
import MeshSim

/// `mesh-top demo [SCENARIO.yaml|mesh.yaml]`: a simulated mesh driven by a scenario's timeline,
/// or with the shape of a run config, to rehearse failures on one's own mesh.
struct DemoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Run a simulated mesh driven by a scenario timeline (the built-in one by default), or shaped like a run config.",
        discussion: "The real balancer, health checker and outlier detector run against simulated endpoints on a virtual clock, so a scenario plays the same at any --speed and the same --seed gives the same events. Given a run config (mesh.yaml), the demo simulates the services and endpoints it declares, with its policies and alerts, each endpoint answering with --p50/--p99 latencies up to --capacity requests/s, under steady traffic (--rps per service): drain, kill and seek as on the real mesh, nothing real is touched."
    )

    @Argument(help: "A scenario file (see demo/ for examples) or a run config (mesh.yaml). Without it, the built-in tour.")
    var scenario: String?

    @OptionGroup var session: SessionOptions
    @OptionGroup var pace: SpeedOption

    @Option(help: ArgumentHelp("Seed for the simulation (overrides the scenario's).", valueName: "n"))
    var seed: UInt64?

    @OptionGroup var simulation: SimulationOptions

    @OptionGroup var recording: RecordOption

    func run() throws {
        try reportingErrors {
            var scenario = try loadScenario()
            if let seed { scenario.seed = seed }
            let options = session.resolved()
            let speed = pace.resolved()
            if let d = options.duration { scenario.duration = d }

            let admin = try AdminSettings.resolve(option: session.admin, fallback: nil, token: nil)
            let logger = try session.logging.logger(headless: session.headless, besides: Self.directory(of: self.scenario))
            let sinks = try recording.sinks(headless: session.headless, journal: admin != nil, notify: scenario.notify, source: "demo",
                                            mesh: Simulator.mesh(of: scenario), reading: self.scenario.map { [$0] } ?? [], logger: logger)
            let playback = DemoPlayback(scenario: scenario, isRecording: sinks.isRecording, onEvent: sinks.accept)
            try SessionLauncher.run(playback, sinks: sinks, settings: .init(
                speed: speed, duration: scenario.duration,
                refresh: options.refresh, mono: options.mono, ascii: session.ascii, headless: session.headless, mouse: !session.noMouse, admin: admin,
                logger: logger))
        }
    }

    /// Where a session's default log goes: beside its file, or here.
    static func directory(of file: String?) -> URL {
        file.map { URL(fileURLWithPath: $0).deletingLastPathComponent() }
            ?? URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
    }

    /// The built-in tour, a scenario, or a run config's shape: the file's content decides.
    private func loadScenario() throws -> Scenario {
        guard let path = scenario else {
            try simulation.refuseWithoutRunConfig("the built-in tour")
            return try BuiltInScenario.scenario()
        }
        // Unreadable: detected as a config, whose loader then names the file and why.
        let text = (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
        switch FileKind.detect(path: path, text: text) {
        case .recording:
            throw CommandError("\(path) is a recording: play it with mesh-top replay \(path)")
        case .config where !text.isEmpty:
            let config = try MeshConfig.load(path: path)
            return Scenario(simulating: config, file: path, simulation: try simulation.resolved())
        case .config, .scenario:
            try simulation.refuseWithoutRunConfig("a scenario")
            return try Scenario.load(path: path)
        }
    }
}

/// `--p50 --p99 --capacity --rps`: how `demo mesh.yaml` simulates what a run config leaves out.
struct SimulationOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Run config only: median latency of every endpoint (default 20ms).", valueName: "duration"))
    var p50: String?
    @Option(help: ArgumentHelp("Run config only: 99th-percentile latency of every endpoint (default 4 × p50).", valueName: "duration"))
    var p99: String?
    @Option(help: ArgumentHelp("Run config only: requests/s each endpoint serves before requests queue (default 500).", valueName: "n"))
    var capacity: Double?
    @Option(help: ArgumentHelp("Run config only: requests/s each service gets (default 40% of its endpoints' capacity).", valueName: "n"))
    var rps: Double?

    private var given: [String] {
        [p50.map { _ in "--p50" }, p99.map { _ in "--p99" }, capacity.map { _ in "--capacity" }, rps.map { _ in "--rps" }].compactMap { $0 }
    }

    func refuseWithoutRunConfig(_ what: String) throws(CommandError) {
        if let first = given.first {
            throw CommandError("\(first) shapes a run config's simulation; \(what) says how its endpoints answer")
        }
    }

    func resolved() throws(CommandError) -> Scenario.Simulation {
        var s = Scenario.Simulation()
        func duration(_ text: String, _ name: String) throws(CommandError) -> Double {
            guard let d = MeshDuration.parse(text), d > 0 else { throw CommandError("\(name): '\(text)' is not a duration (e.g. 20ms)") }
            return d
        }
        if let p50 { s.p50 = try duration(p50, "--p50"); s.p99 = s.p50 * 4 }
        if let p99 { s.p99 = try duration(p99, "--p99"); if p50 == nil { s.p50 = min(s.p50, s.p99) } }
        guard s.p99 >= s.p50 else {
            throw CommandError("--p99 \(MeshDuration.format(s.p99)) is below --p50 \(MeshDuration.format(s.p50))")
        }
        if let capacity {
            guard capacity > 0, capacity.isFinite else { throw CommandError("--capacity: must be more than 0 requests per second") }
            s.capacity = capacity
        }
        if let rps {
            guard rps >= 0, rps.isFinite else { throw CommandError("--rps: must be 0 or more requests per second") }
            s.rps = rps
        }
        return s
    }
}
