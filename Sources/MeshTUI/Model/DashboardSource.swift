public import MeshCore

/// The engine as the dashboard sees it. `snapshot()` must be cheap and never block for long (a
/// copy under a lock): the dashboard calls it on every redraw from its own thread.
public protocol DashboardSource: AnyObject, Sendable {
    func snapshot() -> (MeshState, SessionStatus)
    func perform(_ command: DashboardCommand)
}
