import MeshCore

/// The topology pane: column titles, then only the rows that fit.
extension DashboardRenderer {
    /// What both views of the pane (rows, graph) start with: the selected row (the first
    /// selectable one when nothing is), scrolled into view under a title line, and the pane's
    /// hit area. `position` is "row N/M" when the rows do not all fit.
    mutating func placeTopologyRows(_ layout: TopologyLayout, top: Int, height: Int)
        -> (selected: Int?, scroll: Int, listHeight: Int, position: String) {
        let listHeight = max(0, height - 1)
        let selected = layout.index(of: view.selection, in: state) ?? layout.rows.indices.first { layout.isSelectable($0) }
        let scroll = scrollKeeping(selected, rows: layout.rows.count, height: listHeight)
        topologyScroll = scroll
        shownSelection = selected.flatMap { layout.selection(at: $0, in: state) }
        hits.panes.append((0..<cols, top..<(top + height), .topology))
        let position = layout.rows.count > listHeight ? "row \(min(layout.rows.count, (selected ?? 0) + 1))/\(layout.rows.count)" : ""
        return (selected, scroll, listHeight, position)
    }

    mutating func drawTopology(_ layout: TopologyLayout, top: Int, height: Int) {
        let columns = TopologyColumns(cols: cols)
        let focused = view.focus == .topology
        let (selected, scroll, listHeight, position) = placeTopologyRows(layout, top: top, height: height)
        drawColumnTitles(columns, y: top, focused: focused, position: position)
        if layout.rows.isEmpty {
            let why = view.filter.isEmpty ? "no services registered yet" : "nothing matches /\(view.filter)"
            buffer.put("  " + why, x: 0, y: top + 1, style: CellStyle(.muted))
            return
        }
        // Per service: the attempts its endpoints received (the load bars' whole) and the peak of
        // their recent load (one sparkline scale per service, so its rows compare at a glance).
        let historyWidth = max(0, (columns.column(.history)?.width ?? 1) - 1)
        for i in scroll..<min(layout.rows.count, scroll + listHeight) {
            let y = top + 1 + i - scroll
            let row = layout.rows[i]
            let service = state.services[Int(row.service)]
            if let selection = layout.selection(at: i, in: state), layout.isSelectable(i) { hits.rows[y] = selection }
            switch row.kind {
            case .service:
                drawServiceRow(service, row.service, y: y, columns: columns)
            case .zone:
                drawZoneRow(service, zone: layout.zones[Int(row.service)][Int(row.item)], row: row, y: y, columns: columns)
            case .endpoint:
                let peak = history(of: service, row.service, width: historyWidth).peak
                drawEndpointRow(service.endpoints[Int(row.item)], row: row, serviceRPS: summaries[Int(row.service)].load.rps,
                                peak: peak, y: y, columns: columns)
            }
            if i == selected {
                let role: ColorRole = focused ? .selection : .selectionDim
                buffer.restyle(y: y, from: 0, to: cols) { $0.role = role }
            }
        }
    }

    private mutating func drawColumnTitles(_ columns: TopologyColumns, y: Int, focused: Bool, position: String) {
        drawBar("NAME" + (view.sort == .name ? glyphs.sortMark : ""), y: y, x: 0, width: cols, focused: focused)
        if !position.isEmpty {
            buffer.putRight(position, right: columns.nameWidth - 1, y: y, style: CellStyle(focused ? .barFocus : .bar))
        }
        let style = CellStyle(focused ? .barFocus : .bar, bold: true)
        let sorted: TopologyColumns.Kind? = switch view.sort {
            case .name: nil
            case .rps: .rps
            case .errors: .errors
            case .p99: .p99
            case .state: .state
        }
        hits.titleY = y
        hits.sortColumns.append((0..<max(1, columns.nameWidth - 10), .name))
        for (kind, x, width) in columns.shown {
            let title = TopologyColumns.title(kind) + (kind == sorted ? glyphs.sortMark : "")
            if TopologyColumns.leftAligned(kind) {
                buffer.put(title, x: x + 1, y: y, style: style, limit: x + width)
            } else {
                buffer.putRight(title, right: x + width, y: y, style: style)
            }
            if let key = TopologyColumns.sortKey(kind) { hits.sortColumns.append((x..<(x + width), key)) }
        }
    }

    // MARK: rows

    /// The service's `ServiceHistory` over `width` columns, made the first time a row asks.
    private mutating func history(of service: Service, _ s: Int32, width: Int) -> ServiceHistory {
        if let known = histories[s] { return known }
        let history = ServiceHistory(service.endpoints, width: width)
        histories[s] = history
        return history
    }

    private mutating func drawServiceRow(_ service: Service, _ s: Int32, y: Int, columns: TopologyColumns) {
        let summary = summaries[Int(s)]
        let folded = view.collapsed.contains(service.name)
        var x = buffer.put(" \(folded ? glyphs.collapsed : glyphs.expanded) ", x: 0, y: y, style: CellStyle(.accent, bold: true))
        x = buffer.put(Format.fit(service.name, columns.nameWidth - 1 - x, ascii: glyphs.ascii), x: x, y: y, style: CellStyle(bold: true),
                       limit: columns.nameWidth - 1)
        var tags: [(String, ColorRole)] = []
        if folded { tags.append(("(\(service.endpoints.count))", .muted)) }
        if service.panic { tags.append(("PANIC", .bad)) }
        let weightless = summary.allWeightsZero
        if weightless { tags.append(("NO WEIGHT", .bad)) }
        if service.failoverZone != nil { tags.append(("failover", .warn)) }
        for (tag, role) in tags {
            x = buffer.put(" " + tag, x: x, y: y, style: CellStyle(role, bold: role != .muted), limit: columns.nameWidth - 1)
        }
        // What the service's clients sent and got: requests, not attempts (retries are apart).
        let load = summary.clientLoad
        let healthy = summary.healthy
        let upRole: ColorRole = healthy == service.endpoints.count ? .good : healthy * 2 >= service.endpoints.count ? .warn : .bad
        drawMetrics(load, y: y, columns: columns, muted: false, bold: true)
        if let c = columns.column(.load) {
            if weightless {
                buffer.put("weight 0", x: c.x + 1, y: y, style: CellStyle(.bad, bold: true), limit: c.x + c.width)
            } else {
                buffer.put("\(healthy)/\(service.endpoints.count) up", x: c.x + 1, y: y, style: CellStyle(upRole), limit: c.x + c.width)
            }
        }
        if let c = columns.column(.history) {
            let width = c.width - 1
            let sums = history(of: service, s, width: width).sums
            buffer.put(glyphs.sparkline(sums, width: width), x: c.x + 1, y: y, style: CellStyle(.accent))
        }
    }

    private mutating func drawZoneRow(_ service: Service, zone: String, row: TopologyLayout.Row, y: Int, columns: TopologyColumns) {
        var x = buffer.put(" " + (row.last ? glyphs.lastBranch : glyphs.branch), x: 0, y: y, style: CellStyle(.muted))
        x = buffer.put(Format.fit("zone " + (zone.isEmpty ? "(none)" : zone), columns.nameWidth - 1 - x, ascii: glyphs.ascii), x: x, y: y,
                       style: CellStyle(.accent), limit: columns.nameWidth - 1)
        let preferred = service.zones.first == zone
        let active = service.failoverZone == zone
        if active {
            x = buffer.put(" \(glyphs.arrow == "→" ? "←" : "<-") traffic", x: x, y: y, style: CellStyle(.warn, bold: true), limit: columns.nameWidth - 1)
        } else if preferred {
            x = buffer.put(service.failoverZone == nil ? " preferred" : " down", x: x, y: y,
                           style: CellStyle(service.failoverZone == nil ? .muted : .bad), limit: columns.nameWidth - 1)
        }
        // By index: filtering the endpoints themselves would copy each one.
        let inZone = service.endpoints.indices.filter { service.endpoints[$0].zone == zone }
        let count = inZone.count, healthy = inZone.lazy.filter { service.endpoints[$0].state == .healthy }.count
        var member = [Bool](repeating: false, count: service.endpoints.count)
        for i in inZone { member[i] = true }
        drawMetrics(.total(of: service.endpoints, where: { member[$0] }), y: y, columns: columns, muted: true, bold: false)
        if let c = columns.column(.load) {
            let role: ColorRole = count == 0 ? .muted : healthy == count ? .good : healthy == 0 ? .bad : .warn
            buffer.put("\(healthy)/\(count) up", x: c.x + 1, y: y, style: CellStyle(role), limit: c.x + c.width)
        }
    }

    private mutating func drawEndpointRow(_ e: Endpoint, row: TopologyLayout.Row, serviceRPS: Double, peak: Float, y: Int,
                                          columns: TopologyColumns) {
        var prefix = " "
        if row.zoned { prefix += row.lastZone ? "  " : glyphs.pipe }
        prefix += row.last ? glyphs.lastBranch : glyphs.branch
        var x = buffer.put(prefix, x: 0, y: y, style: CellStyle(.muted))
        let role = Glyphs.role(e.state)
        // Built once: `load` gathers the endpoint's detail too.
        let load = e.load
        x = buffer.put(glyphs.state(e.state) + " ", x: x, y: y, style: CellStyle(role, bold: true))
        if let tls = load.tls {
            let failing = tls.handshakeFailures > 0 && e.state != .healthy
            x = buffer.put(glyphs.tls(tls) + " ", x: x, y: y, style: CellStyle(failing ? .bad : tls.mode == .mutual ? .good : .accent))
        }
        let out = !e.state.isEligible
        x = buffer.put(Format.fit(e.id, columns.nameWidth - 1 - x, ascii: glyphs.ascii), x: x, y: y,
                       style: CellStyle(out ? .muted : .normal), limit: columns.nameWidth - 1)
        // In a shared mesh: the instance owning it, when not this one, and another instance
        // that sees it otherwise ("healthy here, unhealthy from b").
        if let owner = e.owner, owner != state.instance {
            x = buffer.put(Format.fit(" @" + owner, columns.nameWidth - 1 - x, ascii: glyphs.ascii), x: x, y: y, style: CellStyle(.muted),
                           limit: columns.nameWidth - 1)
        }
        if let other = e.disagreements.first {
            let mark = (glyphs.ascii ? " !=" : " ≠") + other.instance
            buffer.put(mark, x: x, y: y, style: CellStyle(Glyphs.role(other.state), bold: true), limit: columns.nameWidth - 1)
        }
        if let c = columns.column(.state) {
            buffer.put(e.state.rawValue, x: c.x + 1, y: y, style: CellStyle(role), limit: c.x + c.width)
        }
        if let c = columns.column(.weight) {
            buffer.putRight(String(e.weight), right: c.x + c.width, y: y, style: CellStyle(e.weight == 0 ? .warn : .normal))
        }
        if let c = columns.column(.load) {
            let bar = glyphs.bar(serviceRPS > 0 ? load.rps / serviceRPS : 0, width: c.width - 2)
            let bx = buffer.put(bar.filled, x: c.x + 1, y: y, style: CellStyle(out ? .muted : .good))
            buffer.put(bar.track, x: bx, y: y, style: CellStyle(.muted))
        }
        drawMetrics(load, y: y, columns: columns, muted: out && load.rps == 0, bold: false)
        if let c = columns.column(.history) {
            buffer.put(glyphs.sparkline(e.history, width: c.width - 1, peak: peak), x: c.x + 1, y: y, style: CellStyle(out ? .muted : .accent))
        }
    }

    /// The numeric columns shared by service, zone and endpoint rows.
    private mutating func drawMetrics(_ load: EndpointLoad, y: Int, columns: TopologyColumns, muted: Bool, bold: Bool) {
        let base = CellStyle(muted ? .muted : .normal, bold: bold)
        if let c = columns.column(.rps) { buffer.putRight(Format.rate(load.rps), right: c.x + c.width, y: y, style: base) }
        if let c = columns.column(.active) { buffer.putRight(String(load.active), right: c.x + c.width, y: y, style: base) }
        if let c = columns.column(.p50) { buffer.putRight(Format.latency(load.p50), right: c.x + c.width, y: y, style: base) }
        if let c = columns.column(.p99) {
            let slow = !muted && load.p99 > 0.5
            buffer.putRight(Format.latency(load.p99), right: c.x + c.width, y: y, style: slow ? base.with(role: .warn) : base)
        }
        if let c = columns.column(.errors) {
            let role: ColorRole = load.errors > 0 && !muted ? .bad : .muted
            buffer.putRight(Format.errors(load.errors), right: c.x + c.width, y: y, style: CellStyle(role, bold: bold && role == .bad))
        }
    }
}
