public import MeshCore

/// Everything one frame shows: the mesh, the session, and the UI's own state.
public struct DashboardFrame: Sendable {
    public var state: MeshState
    public var status: SessionStatus
    public var view: DashboardView

    public init(state: MeshState, status: SessionStatus, view: DashboardView = DashboardView()) {
        self.state = state; self.status = status; self.view = view
    }
}
