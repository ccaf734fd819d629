import ArgumentParser
import MeshConfig
import MeshCore
import MeshSession
import MeshTUI
import MeshSim

/// `mesh-top demo [SCENARIO.yaml]`: a simulated mesh driven by a scenario's timeline.
struct DemoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Run a simulated mesh driven by a scenario timeline (the built-in one by default).",
        discussion: "The real balancer, health checker and outlier detector run against simulated endpoints on a virtual clock, so a scenario plays the same at any --speed and the same --seed gives the same events."
    )

    @Argument(help: "A scenario file (see demo/ for examples). Without it, the built-in tour.")
    var scenario: String?

    @OptionGroup var session: SessionOptions
    @OptionGroup var pace: SpeedOption

    @Option(help: ArgumentHelp("Seed for the simulation (overrides the scenario's).", valueName: "n"))
    var seed: UInt64?

    @OptionGroup var recording: RecordOption

    func run() throws {
        try reportingErrors {
            var scenario = try scenario.map { path throws(ConfigError) in try Scenario.load(path: path) }
                ?? BuiltInScenario.scenario()
            if let seed { scenario.seed = seed }
            let options = try session.resolved()
            let speed = try pace.resolved()
            if let d = options.duration { scenario.duration = d }

            let admin = try AdminSettings.resolve(option: session.admin, fallback: nil, token: nil)
            let sinks = try recording.sinks(headless: session.headless, journal: admin != nil, notify: scenario.notify, source: "demo", mesh: Simulator.mesh(of: scenario))
            let playback = DemoPlayback(scenario: scenario, isRecording: sinks.isRecording, onEvent: sinks.accept)
            try SessionLauncher.run(playback, sinks: sinks, settings: .init(
                mode: .demo, source: scenario.name, speed: speed, duration: scenario.duration,
                refresh: options.refresh, mono: options.mono, ascii: session.ascii, headless: session.headless, admin: admin))
        }
    }
}
