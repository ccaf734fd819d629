public import MeshCore

/// What the engine must do after a key: the input handler decides, the runner hands it over.
public enum DashboardCommand: Sendable, Equatable {
    /// Drain, kill, restore or re-weight an endpoint (`weight` only for `.weight`).
    case operate(OperatorAction, EndpointRef, weight: Int?)
    case togglePause
    case speed(faster: Bool)
    /// Move mesh time by this many seconds (negative: back). Demo and replay only.
    case seek(seconds: Double)
    /// The dashboard is closing; the engine may stop too.
    case quit
}
