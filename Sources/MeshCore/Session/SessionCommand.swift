/// What the operator (keyboard, admin API, `ctl`) or a registering program asks of a session,
/// queued to the thread that drives it. Inputs change the mesh; the others change how it plays.
public enum SessionCommand: Sendable, Equatable {
    /// Drain, kill, restore or re-weight an endpoint (the engine applies `OperatorCommand`'s rules).
    case operate(OperatorCommand)
    /// A registration, deregistration, TTL report or maintenance from the Consul-compatible API.
    case registry(RegistryCommand)
    case togglePause
    /// One step of `Pacer.speeds` up or down.
    case speed(faster: Bool)
    /// Moves mesh time by this many seconds (negative: back). Demo and replay only.
    case seek(by: Double)
    /// Ends the session (the dashboard quits, a signal, the end of a headless run).
    case stop

    /// An input of the session (what the mesh is told), as opposed to how it is played.
    public var isInput: Bool {
        switch self {
        case .operate, .registry: true
        case .togglePause, .speed, .seek, .stop: false
        }
    }
}
