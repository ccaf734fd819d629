public import MeshCore
public import MeshSim
public import MeshConfig

/// Demo mode: a simulation advanced on a virtual clock. Seeking forward runs the simulation
/// faster; seeking back runs it again from the start (the same seed gives the same run), with
/// the operator's inputs applied again at the mesh time each first took effect: a seek keeps
/// the history the operator made, and playing on past an input applies it again.
public final class DemoPlayback: Playback {
    public let scenario: Scenario
    public private(set) var simulator: Simulator
    /// Every event, as it happens (recorder, headless printer).
    public let onEvent: (MeshEvent) -> Void
    /// Whether events leave the process (a recording): then history cannot be rewritten.
    public let isRecording: Bool
    /// Every input accepted so far, in mesh-time order; the first `applied` are in the
    /// current simulation.
    public private(set) var inputs: [SessionInput] = []
    private var applied = 0

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

    public func advance(to t: Double) {
        while applied < inputs.count, inputs[applied].t <= t {
            simulator.advance(to: inputs[applied].t)
            // One that no longer applies (what it drained is drained already) changes nothing.
            _ = apply(inputs[applied].kind)
            applied += 1
        }
        simulator.advance(to: t)
    }

    public func seek(to t: Double) -> String? {
        let target = max(0, min(t, end ?? t))
        if target < simulator.now {
            if isRecording { return "cannot seek back while recording" }
            simulator = DemoPlayback.makeSimulator(scenario, onEvent: { _ in })
            applied = 0
            advance(to: target)
            simulator.engine.onEvent = onEvent
        } else {
            advance(to: target)
        }
        return nil
    }

    public func registry(_ command: RegistryCommand) -> OperatorError? {
        take(.registry(command))
    }

    public func operate(_ command: OperatorCommand) -> OperatorError? {
        take(.operate(command))
    }

    /// Applies an input now and keeps it, before any later ones a seek back left to come.
    private func take(_ input: SessionInput.Kind) -> OperatorError? {
        if let refusal = apply(input) { return refusal }
        inputs.insert(SessionInput(t: simulator.now, kind: input), at: applied)
        applied += 1
        return nil
    }

    private func apply(_ input: SessionInput.Kind) -> OperatorError? {
        switch input {
        case .operate(let command): .refusal { () throws(OperatorError) in try simulator.operate(command) }
        case .registry(let command): .refusal { () throws(OperatorError) in try simulator.registry(command) }
        }
    }
}
