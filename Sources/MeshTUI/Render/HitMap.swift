/// Where things are on a drawn frame, for the mouse: topology rows, sortable column titles and
/// the panes. Recorded by the renderer as it draws, so a click hits what the operator sees.
struct HitMap {
    /// Screen row → the topology row's selection.
    var rows: [Int: DashboardView.Selection] = [:]
    /// The column titles' row and each sortable title's columns.
    var titleY = -1
    var sortColumns: [(x: Range<Int>, key: DashboardView.SortKey)] = []
    var panes: [(x: Range<Int>, y: Range<Int>, pane: DashboardView.Pane)] = []

    func target(x: Int, y: Int) -> MouseTarget? {
        if y == titleY, let hit = sortColumns.first(where: { $0.x.contains(x) }) { return .sort(hit.key) }
        if let selection = rows[y] { return .row(selection) }
        return panes.first { $0.x.contains(x) && $0.y.contains(y) }.map { .pane($0.pane) }
    }
}

/// What a click at column `x`, row `y` (from 0) of `frame` drawn at `size` lands on: pure, like
/// `render`, which it runs to know the layout.
public func hitTest(_ frame: DashboardFrame, size: (cols: Int, rows: Int), x: Int, y: Int) -> MouseTarget? {
    var renderer = DashboardRenderer(frame: frame, cols: size.cols, rows: size.rows)
    renderer.draw()
    return renderer.hits.target(x: x, y: y)
}
