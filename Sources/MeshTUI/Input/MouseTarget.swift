/// What a click landed on, found by `hitTest` from the frame the terminal shows.
public enum MouseTarget: Hashable, Sendable {
    /// A topology row (tree or graph): selects it.
    case row(DashboardView.Selection)
    /// A sortable column title: sorts by it.
    case sort(DashboardView.SortKey)
    /// Anywhere else in a pane: gives it the keyboard.
    case pane(DashboardView.Pane)
}
