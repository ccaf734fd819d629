/// Carries out the engine's output: its events go to the session's sinks, its effects to the
/// data plane. The simulator (demo) and the live mesh (`run`) are the two implementations; the
/// engine never calls them, it answers every input with a `MeshEngine.Output` that the driver
/// hands here (the shape of swift-nio's `NIOTypedHTTPServerUpgraderStateMachine`: a state
/// machine returns actions, its owner performs them).
public protocol MeshActuator: AnyObject {
    /// An event the engine emitted (recorder, headless printer, admin API, shared mesh).
    func record(_ event: MeshEvent)
    /// Makes one effect so.
    func perform(_ effect: MeshEffect)
}

extension MeshActuator {
    /// Hands on the events, then performs the effects, each in the engine's order.
    @inlinable
    public func carryOut(_ output: MeshEngine.Output) {
        for event in output.events { record(event) }
        for effect in output.effects { perform(effect) }
    }
}
