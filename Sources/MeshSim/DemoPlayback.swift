public import MeshCore
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
        simulator.onEvent = onEvent
        simulator.start()
        return simulator
    }

    public var mode: SessionMode { .demo }
    public var now: Double { simulator.now }
    public var state: MeshState {
        var s = simulator.engine.state
        s.time = simulator.now
        return s
    }
    public var end: Double? { scenario.duration }

    public func advance(to t: Double) { advance(to: t, maxEvents: .max) }

    /// Runs on to `t` within `maxEvents` of simulated work, stopping at each operator input due
    /// on the way to apply it again (quietly, while a seek back replays the past).
    public func advance(to t: Double, maxEvents: Int) {
        var budget = maxEvents
        while true {
            let nextInput = applied < inputs.count ? inputs[applied].t : .infinity
            let stop = min(t, nextInput, quietUntil ?? .infinity)
            budget -= simulator.advance(to: stop, maxEvents: budget)
            // The budget ran out on the way: the next slice goes on from here.
            guard simulator.now >= stop else { return }
            if applied < inputs.count, inputs[applied].t <= simulator.now {
                // One that no longer applies (what it drained is drained already) changes nothing.
                _ = apply(inputs[applied].kind)
                applied += 1
                continue
            }
            if let until = quietUntil, simulator.now >= until {
                simulator.onEvent = onEvent
                quietUntil = nil
            }
            if stop >= t || budget <= 0 { return }
        }
    }

    /// Forward, the simulation runs on to `t` as it would have (its events are new); back, it
    /// starts again from the beginning, quietly up to `t` (same seed, same run, the operator's
    /// inputs applied again where they were). Either way `advance` does the work, in slices.
    public func seek(to t: Double) -> String? {
        let target = max(0, min(t, end ?? t))
        if target < simulator.now {
            if isRecording { return "cannot seek back while recording" }
            simulator = DemoPlayback.makeSimulator(scenario, onEvent: { _ in })
            applied = 0
            quietUntil = target
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
