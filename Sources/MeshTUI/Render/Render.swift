/// Draws one frame. Pure: the same frame and size always give the same cells, so every screen is a
/// golden-file test away and curses only ever copies the result.
public func render(_ frame: DashboardFrame, size: (cols: Int, rows: Int)) -> ScreenBuffer {
    var renderer = DashboardRenderer(frame: frame, cols: size.cols, rows: size.rows)
    renderer.draw()
    return renderer.buffer
}

/// The smallest terminal the dashboard lays out in; below it a "terminal too small" screen shows.
public let dashboardMinimumSize = (cols: 60, rows: 16)
