import MeshCore

/// Lays a frame out and draws it pane by pane into a `ScreenBuffer`.
struct DashboardRenderer {
    let frame: DashboardFrame
    let cols: Int
    let rows: Int
    let glyphs: Glyphs
    var buffer: ScreenBuffer
    /// The topology scroll actually used, so the runner can keep it for the next frame.
    var topologyScroll = 0
    /// The row the topology highlights (the first row when nothing is selected yet): the detail
    /// pane describes the same one.
    var shownSelection: DashboardView.Selection?
    /// Where the mouse finds things on this frame.
    var hits = HitMap()
    /// Each service's figures as a whole, by index, computed once a frame (`draw`).
    var summaries: [ServiceSummary] = []
    /// The recent load of the services whose rows show, by index, once a frame.
    var histories: [Int32: ServiceHistory] = [:]

    var state: MeshState { frame.state }
    var view: DashboardView { frame.view }

    init(frame: DashboardFrame, cols: Int, rows: Int) {
        self.frame = frame
        self.cols = max(0, cols); self.rows = max(0, rows)
        glyphs = Glyphs(ascii: frame.view.ascii)
        buffer = ScreenBuffer(cols: self.cols, rows: self.rows)
        buffer.asciiOnly = frame.view.ascii
    }

    /// The panes' rectangles: header, topology, events beside detail, footer.
    struct Layout {
        var topologyTop: Int
        var topologyHeight: Int
        var bottomTop: Int
        var bottomHeight: Int
        var eventsWidth: Int
        var detailX: Int

        /// `topologyRows`: rows the tree has; a short tree leaves its spare rows to the events.
        init(cols: Int, rows: Int, topologyRows: Int) {
            let body = rows - 3
            bottomHeight = max(5, body * 35 / 100)
            topologyTop = 2
            topologyHeight = body - bottomHeight
            let spare = topologyHeight - 1 - max(topologyRows, 4)
            if spare > 0 { topologyHeight -= spare; bottomHeight += spare }
            bottomTop = topologyTop + topologyHeight
            let detail = cols < 72 ? 0 : min(48, max(32, cols * 2 / 5))
            eventsWidth = detail == 0 ? cols : cols - detail - 1
            detailX = detail == 0 ? cols : eventsWidth + 1
        }
    }

    mutating func draw() {
        guard cols >= dashboardMinimumSize.cols, rows >= dashboardMinimumSize.rows else {
            drawTooSmall()
            return
        }
        summaries = state.services.map(ServiceSummary.init)
        let tree = TopologyLayout(state: state, view: view)
        let layout = Layout(cols: cols, rows: rows, topologyRows: tree.rows.count)
        drawHeader()
        if view.inspecting, drawInspect(top: layout.topologyTop, height: rows - 1 - layout.topologyTop) {
            drawFooter(y: rows - 1)
            if view.helpVisible { drawHelp() }
            return
        }
        if view.graph {
            drawGraph(tree, top: layout.topologyTop, height: layout.topologyHeight)
        } else {
            drawTopology(tree, top: layout.topologyTop, height: layout.topologyHeight)
        }
        drawEvents(top: layout.bottomTop, height: layout.bottomHeight, width: layout.eventsWidth)
        if layout.detailX < cols {
            for y in layout.bottomTop..<(layout.bottomTop + layout.bottomHeight) {
                buffer.put(glyphs.separator, x: layout.eventsWidth, y: y, style: CellStyle(.muted))
            }
            drawDetail(top: layout.bottomTop, height: layout.bottomHeight, x: layout.detailX)
        }
        drawFooter(y: rows - 1)
        if view.helpVisible { drawHelp() }
    }

    // MARK: header

    private mutating func drawHeader() {
        let status = frame.status
        var badge = " \(status.mode.label)"
        if status.mode != .live || status.speed != 1 { badge += " " + Format.speed(status.speed, ascii: glyphs.ascii) }
        badge += " "
        var x = buffer.put(badge, x: 0, y: 0, style: CellStyle(.barFocus, bold: true))
        let running: (String, ColorRole)
        if status.finished {
            running = ("finished", .muted)
        } else if status.paused || (status.mode == .live && view.frozen) {
            running = ("\(glyphs.pause) \(status.mode == .live ? "frozen" : "paused")", .warn)
        } else {
            running = (glyphs.play, .good)
        }
        x = buffer.put(" " + running.0, x: x, y: 0, style: CellStyle(running.1, bold: true))
        var clock = "t " + Format.clock(state.time)
        if let d = status.duration { clock += " / " + Format.clock(d) }
        x = buffer.put("  " + clock, x: x, y: 0)
        // The alert wins over the title when space is short: it is what needs attention.
        let title = state.name.isEmpty ? status.source : state.name
        let alerts = alertSummary(width: max(0, cols - x - 3))
        let alertsStart = cols - CharacterWidth.of(alerts.text) - 1
        if !title.isEmpty, alertsStart - x - 3 >= 6 {
            buffer.put("  " + Format.fit(title, alertsStart - x - 3, ascii: glyphs.ascii), x: x, y: 0, style: CellStyle(bold: true))
        }
        if !alerts.text.isEmpty { buffer.put(alerts.text, x: alertsStart, y: 0, style: alerts.style) }

        // Second line: the mesh in numbers.
        let totals = MeshTotals(state, summaries: summaries)
        var items: [(label: String, value: String, role: ColorRole)] = []
        items.append(("services", "\(state.services.count)", .normal))
        let healthyRole: ColorRole = totals.healthy == totals.endpoints ? .good : totals.healthy * 2 >= totals.endpoints ? .warn : .bad
        items.append(("endpoints", "\(totals.healthy)/\(totals.endpoints) healthy", healthyRole))
        items.append(("rps", Format.grouped(totals.rps), .normal))
        if let success = totals.successRate {
            items.append(("success", Format.percent(success), success >= 0.999 ? .good : success >= 0.99 ? .warn : .bad))
        } else {
            items.append(("success", "-", .muted))
        }
        items.append(("p99", Format.latency(totals.p99), totals.p99 > 0.5 ? .warn : .normal))
        if let me = state.instance {
            // A shared mesh: its instances, this one first.
            let others = state.instances.map(\.name).filter { $0 != me }
            items.append(("instances", ([me] + others).joined(separator: ","), others.isEmpty ? .muted : .normal))
        }
        if let retries = totals.retries, retries >= 0.05 {
            items.append(("retries", Format.rate(retries) + "/s", .warn))
        }
        x = 1
        for (i, item) in items.enumerated() {
            // Whole items only: a figure cut in half reads as another figure.
            let width = (i > 0 ? 2 : 0) + CharacterWidth.of(item.label) + 1 + CharacterWidth.of(item.value)
            guard x + width <= cols - 1 else { break }
            if i > 0 { x = buffer.put("  ", x: x, y: 1) }
            x = buffer.put(item.label + " ", x: x, y: 1, style: CellStyle(.muted))
            x = buffer.put(item.value, x: x, y: 1, style: CellStyle(item.role, bold: item.role != .normal))
        }
        if !view.filter.isEmpty && !view.editingFilter {
            let text = "filter /" + view.filter
            if x + CharacterWidth.of(text) + 3 <= cols { buffer.putRight(text, right: cols - 1, y: 1, style: CellStyle(.accent, bold: true)) }
        }
    }

    /// The worst firing alert and how many more, in at most `width` columns. Narrow, the name
    /// and subject shorten first, then go, then the severity: the mark and the count of the
    /// others stay to the last (as htop keeps a meter's figure and drops its decoration).
    private func alertSummary(width: Int) -> (text: String, style: CellStyle) {
        let firing = state.alerts
        guard !firing.isEmpty else {
            return (width >= 9 ? "no alerts" : "", CellStyle(.muted))
        }
        let worst = firing.max { severityRank($0.severity) < severityRank($1.severity) }!
        let role: ColorRole = worst.severity == .critical ? .bad : worst.severity == .warning ? .warn : .normal
        let style = CellStyle(role, bold: true)
        let more = firing.count > 1 ? " +\(firing.count - 1)" : ""
        let head = "\(glyphs.alertMark) \(worst.severity.rawValue)"
        let what = "\(worst.name) \(worst.subject)"
        let room = width - CharacterWidth.of(head) - CharacterWidth.of(more) - 2
        if room >= min(6, CharacterWidth.of(what)) {
            return (head + ": " + Format.fit(what, room, ascii: glyphs.ascii) + more, style)
        }
        if CharacterWidth.of(head) + CharacterWidth.of(more) <= width { return (head + more, style) }
        let short = glyphs.alertMark + more
        return (CharacterWidth.of(short) <= width ? short : "", style)
    }

    func severityRank(_ s: AlertChange.Severity) -> Int {
        switch s { case .info: 0; case .warning: 1; case .critical: 2 }
    }

    // MARK: footer

    private mutating func drawFooter(y: Int) {
        if let confirm = view.confirmation {
            // The answer keys are pinned right so a long endpoint name cannot push them off.
            let answers = [("y", confirm.action.rawValue), ("n", "cancel")]
            let answersWidth = answers.reduce(0) { $0 + CharacterWidth.of($1.0) + CharacterWidth.of($1.1) + 3 }
            let verb = confirm.action.rawValue.prefix(1).uppercased() + confirm.action.rawValue.dropFirst()
            let why = confirm.action == .kill ? " connections are reset" : ""
            let text = Format.fit(" \(verb) \(confirm.target)?\(why)", cols - answersWidth - 2, ascii: glyphs.ascii)
            buffer.put(text, x: 0, y: y, style: CellStyle(.bad, bold: true))
            drawHints(answers, x: cols - answersWidth - 1, y: y)
            return
        }
        if view.editingFilter {
            var x = buffer.put(" /", x: 0, y: y, style: CellStyle(.accent, bold: true))
            x = buffer.put(view.filter, x: x, y: y, style: CellStyle(bold: true))
            x = buffer.put(glyphs.ascii ? "_" : "▏", x: x, y: y, style: CellStyle(.accent))
            drawHints([("Enter", "keep"), ("Esc", "clear")], x: x + 2, y: y)
            return
        }
        if let notice = view.notice {
            buffer.put(" " + Format.fit(notice.text, cols - 2, ascii: glyphs.ascii), x: 0, y: y,
                       style: CellStyle(notice.warning ? .warn : .accent, bold: true))
            return
        }
        let status = frame.status
        if status.finished, status.mode != .live {
            // At the end (at once with --speed max) the keys that still do something.
            let what = status.mode == .demo ? "scenario" : "recording"
            let x = buffer.put(" end of the \(what) at \(Format.clock(state.time)):", x: 0, y: y, style: CellStyle(.accent, bold: true))
            drawHints([("[", "back 10 s"), ("<>", "speed"), ("?", "help"), ("q", "quit")], x: x, y: y)
            return
        }
        drawHintBar(y: y)
    }

    /// The key table's hints for this mode. When they do not all fit, the least needed go first
    /// (`KeyBinding.priority`); help and quit are pinned right, so whatever else goes these stay.
    private mutating func drawHintBar(y: Int) {
        var hints: [(key: String, name: String, priority: Int)] = [], pinned: [(String, String)] = []
        for binding in KeyBinding.table where binding.modes.contains(frame.status.mode) {
            guard let keys = binding.hintKeys(ascii: glyphs.ascii) else { continue }
            if binding.action == .help || binding.action == .quit {
                pinned.append((keys, binding.hintName))
            } else {
                hints.append((keys, binding.hintName, binding.priority))
            }
        }
        let width = { (key: String, name: String) in CharacterWidth.of(key) + CharacterWidth.of(name) + 2 }
        let pinnedWidth = pinned.reduce(0) { $0 + width($1.0, $1.1) + 1 }
        let room = cols - pinnedWidth - 1
        while hints.reduce(0, { $0 + width($1.key, $1.name) }) > room,
              let worst = hints.indices.max(by: { (hints[$0].priority, $0) < (hints[$1].priority, $1) }) {
            hints.remove(at: worst)
        }
        drawHints(hints.map { ($0.key, $0.name) }, x: 0, y: y, limit: room)
        drawHints(pinned, x: cols - pinnedWidth - 1, y: y, limit: cols)
    }

    /// `key name` pairs until the row is full; a pair never shows cut in half.
    private mutating func drawHints(_ hints: [(key: String, name: String)], x: Int, y: Int, limit: Int? = nil) {
        var x = x
        for hint in hints {
            let w = CharacterWidth.of(hint.key) + CharacterWidth.of(hint.name) + 2
            if x + w > (limit ?? cols) { break }
            x = buffer.put(" \(hint.key) ", x: x, y: y, style: CellStyle(.key, bold: true))
            x = buffer.put(hint.name, x: x, y: y, style: CellStyle(.muted))
        }
    }

    // MARK: shared

    /// A pane's title bar: focused panes stand out.
    mutating func drawBar(_ title: String, y: Int, x: Int, width: Int, focused: Bool, right: String = "") {
        let style = CellStyle(focused ? .barFocus : .bar, bold: true)
        buffer.fill(y: y, from: x, to: x + width, style: style)
        buffer.put(" " + title, x: x, y: y, style: style, limit: x + width)
        if !right.isEmpty { buffer.putRight(right + " ", right: x + width, y: y, style: CellStyle(focused ? .barFocus : .bar)) }
    }
}
