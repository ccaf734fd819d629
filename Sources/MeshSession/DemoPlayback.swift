public import MeshCore
public import MeshSim
public import MeshConfig

/// Demo mode: a simulation advanced on a virtual clock. Seeking forward runs the simulation
/// faster; seeking back runs it again from the start (the same seed gives the same run).
public final class DemoPlayback: Playback {
    public let scenario: Scenario
    public private(set) var simulator: Simulator
    /// Every event, as it happens (recorder, headless printer).
    public let onEvent: (MeshEvent) -> Void
    /// Whether events leave the process (a recording): then history cannot be rewritten.
    public let isRecording: Bool
    /// After a seek back: the simulation runs again from the start without passing its events
    /// on a second time, up to here.
    private var quietUntil: Double?

    public init(scenario: Scenario, isRecording: Bool = false, onEvent: @escaping (MeshEvent) -> Void = { _ in }) {
        self.scenario = scenario
        self.onEvent = onEvent
        self.isRecording = isRecording
        simulator = DemoPlayback.makeSimulator(scenario, onEvent: onEvent)
    }

    private static func makeSimulator(_ scenario: Scenario, onEvent: @escaping (MeshEvent) -> Void) -> Simulator {
        let simulator = Simulator(scenario: scenario)
        simulator.engine.onEvent = onEvent
        simulator.start()
        return simulator
    }

    public var mode: String { "DEMO" }
    public var now: Double { simulator.now }
    public var state: MeshState {
        var s = simulator.engine.state
        s.time = simulator.now
        return s
    }
    public var end: Double? { scenario.duration }

    public func advance(to t: Double) { advance(to: t, maxEvents: .max) }

    public func advance(to t: Double, maxEvents: Int) {
        var budget = maxEvents
        if let until = quietUntil {
            budget -= simulator.advance(to: min(t, until), maxEvents: budget)
            guard simulator.now >= until else { return }
            simulator.engine.onEvent = onEvent
            quietUntil = nil
        }
        simulator.advance(to: t, maxEvents: budget)
    }

    /// Forward, the simulation runs on to `t` as it would have (its events are new); back, it
    /// starts again from the beginning, quietly up to `t` (same seed, same run). Either way
    /// `advance` does the work, in slices.
    public func seek(to t: Double) -> String? {
        let target = max(0, min(t, end ?? t))
        if target < simulator.now {
            if isRecording { return "cannot seek back while recording" }
            simulator = DemoPlayback.makeSimulator(scenario, onEvent: { _ in })
            quietUntil = target
        }
        return nil
    }

    public func registry(_ command: RegistryCommand) -> OperatorError? {
        .refusal { () throws(OperatorError) in try simulator.registry(command) }
    }

    public func operate(_ command: OperatorCommand) -> OperatorError? {
        .refusal { () throws(OperatorError) in try simulator.operate(command) }
    }
}
