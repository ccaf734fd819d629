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

    public func advance(to t: Double) { simulator.advance(to: t) }

    public func seek(to t: Double) -> String? {
        let target = max(0, min(t, end ?? t))
        if target < simulator.now {
            if isRecording { return "cannot seek back while recording" }
            simulator = DemoPlayback.makeSimulator(scenario, onEvent: { _ in })
            simulator.advance(to: target)
            simulator.engine.onEvent = onEvent
        } else {
            simulator.advance(to: target)
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
