import MeshCore

/// `v`: the topology as a graph, services → zones → endpoints, each edge as wide as the share
/// of traffic it carries (Kiali draws edge thickness by traffic, Vizceral the density of its
/// dots). One row per row of the table, so selection, scrolling and clicks work the same.
extension DashboardRenderer {
    /// Edge glyphs from idle to most of the traffic: dotted, light, heavy, full block.
    private func edgeGlyph(_ share: Double, carries: Bool) -> Unicode.Scalar {
        let levels: [Unicode.Scalar] = glyphs.ascii ? [".", "-", "=", "#"] : ["┄", "─", "━", "█"]
        guard carries, share > 0 else { return levels[0] }
        return share < 0.2 ? levels[1] : share < 0.6 ? levels[2] : levels[3]
    }

    mutating func drawGraph(_ layout: TopologyLayout, top: Int, height: Int) {
        let focused = view.focus == .topology
        let (selected, scroll, listHeight, position) = placeTopologyRows(layout, top: top, height: height)
        let title = "GRAPH  service \(glyphs.arrow) zone \(glyphs.arrow) endpoint, edges as wide as their share of traffic"
        drawBar(Format.fit(title, cols - CharacterWidth.of(position) - 4, ascii: glyphs.ascii),
                y: top, x: 0, width: cols, focused: focused, right: position)
        if layout.rows.isEmpty {
            let why = view.filter.isEmpty ? "no services registered yet" : "nothing matches /\(view.filter)"
            buffer.put("  " + why, x: 0, y: top + 1, style: CellStyle(.muted))
            return
        }
        // Columns: service node, its trunk, the edge to a zone, the zone node and its trunk, the
        // edge to an endpoint, the endpoint node.
        let endpointX = max(cols * 3 / 5, cols - 34)
        let trunk1 = min(24, max(18, cols / 5))
        let zoneWidth = 9
        let zoneX = trunk1 + max(6, (endpointX - trunk1 - zoneWidth - 2) / 2)
        let trunk2 = zoneX + zoneWidth + 1
        let pipes = glyphs.ascii ? (down: "+", tee: "+", last: "`", bar: "|") : (down: "┐", tee: "├", last: "└", bar: "│")
        let muted = CellStyle(.muted)

        for i in scroll..<min(layout.rows.count, scroll + listHeight) {
            let y = top + 1 + i - scroll
            let row = layout.rows[i]
            let service = state.services[Int(row.service)]
            if let selection = layout.selection(at: i, in: state), layout.isSelectable(i) { hits.rows[y] = selection }
            let attempts = service.load.rps
            switch row.kind {
            case .service:
                let folded = view.collapsed.contains(service.name)
                var x = buffer.put(" \(folded ? glyphs.collapsed : glyphs.expanded) ", x: 0, y: y, style: CellStyle(.accent, bold: true))
                x = buffer.put(Format.fit(service.name, trunk1 - 1 - x, ascii: glyphs.ascii), x: x, y: y, style: CellStyle(bold: true),
                               limit: trunk1 - 1)
                let rate = " " + Format.rate(service.clientLoad.rps) + "/s"
                if x + CharacterWidth.of(rate) < trunk1 { buffer.put(rate, x: x, y: y, style: muted) }
                if !folded {
                    buffer.fill(y: y, from: max(x + CharacterWidth.of(rate) + 1, trunk1 - 1), to: trunk1, scalar: glyphs.ascii ? "-" : "─", style: muted)
                    buffer.put(pipes.down, x: trunk1, y: y, style: muted)
                }
                if service.panic { buffer.put(" PANIC", x: endpointX, y: y, style: CellStyle(.bad, bold: true)) }
            case .zone:
                let zone = layout.zones[Int(row.service)][Int(row.item)]
                var zoneRPS = 0.0, up = 0, count = 0
                for e in service.endpoints where e.zone == zone {
                    zoneRPS += e.load.rps; count += 1
                    if e.state == .healthy { up += 1 }
                }
                buffer.put(row.last ? pipes.last : pipes.tee, x: trunk1, y: y, style: muted)
                let share = attempts > 0 ? zoneRPS / attempts : 0
                drawEdge(from: trunk1 + 1, to: zoneX - 1, y: y, share: share, carries: zoneRPS > 0)
                let role: ColorRole = count == 0 ? .muted : up == count ? .good : up == 0 ? .bad : .warn
                var x = buffer.put(Format.fit("zone " + (zone.isEmpty ? "-" : zone), trunk2 - 1 - zoneX, ascii: glyphs.ascii), x: zoneX, y: y,
                                   style: CellStyle(role, bold: true), limit: trunk2 - 1)
                if service.failoverZone == zone { x = buffer.put(glyphs.ascii ? "<" : "←", x: x, y: y, style: CellStyle(.warn, bold: true)) }
                buffer.fill(y: y, from: x + 1, to: trunk2, scalar: glyphs.ascii ? "-" : "─", style: muted)
                if count > 0 { buffer.put(pipes.down, x: trunk2, y: y, style: muted) }
            case .endpoint:
                let e = service.endpoints[Int(row.item)]
                let from: Int
                if row.zoned {
                    if !row.lastZone { buffer.put(pipes.bar, x: trunk1, y: y, style: muted) }
                    buffer.put(row.last ? pipes.last : pipes.tee, x: trunk2, y: y, style: muted)
                    from = trunk2 + 1
                } else {
                    buffer.put(row.last ? pipes.last : pipes.tee, x: trunk1, y: y, style: muted)
                    from = trunk1 + 1
                }
                var whole = attempts
                if row.zoned { whole = service.endpoints.reduce(0) { $0 + ($1.zone == e.zone ? $1.load.rps : 0) } }
                drawEdge(from: from, to: endpointX - 1, y: y, share: whole > 0 ? e.load.rps / whole : 0,
                         carries: e.load.rps > 0 && e.state.isEligible || e.load.rps > 0)
                let role = Glyphs.role(e.state)
                var x = buffer.put(glyphs.state(e.state) + " ", x: endpointX, y: y, style: CellStyle(role, bold: true))
                let numbers = Format.padLeft(Format.rate(e.load.rps), 6) + "/s " + Format.padLeft(Format.latency(e.load.p99), 6)
                let room = cols - x - CharacterWidth.of(numbers) - 2
                x = buffer.put(Format.fit(e.id, room, ascii: glyphs.ascii), x: x, y: y,
                               style: CellStyle(e.state.isEligible ? .normal : .muted))
                buffer.putRight(numbers, right: cols - 1, y: y, style: CellStyle(e.state.isEligible ? .normal : .muted))
            }
            if i == selected {
                let role: ColorRole = focused ? .selection : .selectionDim
                buffer.restyle(y: y, from: 0, to: cols) { $0.role = role }
            }
        }
    }

    /// An edge from column `x0` to `x1`, its glyph by the share it carries, the share written
    /// in its middle.
    private mutating func drawEdge(from x0: Int, to x1: Int, y: Int, share: Double, carries: Bool) {
        guard x1 > x0 else { return }
        let role: ColorRole = !carries || share == 0 ? .muted : share >= 0.6 ? .good : .accent
        buffer.fill(y: y, from: x0, to: x1, scalar: edgeGlyph(share, carries: carries), style: CellStyle(role))
        let percent = Format.fixed(share * 100, 0) + "%"
        for text in [" \(percent) ", percent] where x1 - x0 >= CharacterWidth.of(text) + 2 {
            let width = CharacterWidth.of(text)
            buffer.put(text, x: x0 + (x1 - x0 - width) / 2, y: y, style: CellStyle(role, bold: share >= 0.6))
            break
        }
    }

    /// The first row to show: the previous one while the selection is on screen, else moved as
    /// little as needed.
    func scrollKeeping(_ selected: Int?, rows: Int, height: Int) -> Int {
        var scroll = max(0, min(view.topologyScroll, rows - height))
        if let selected {
            if selected < scroll { scroll = selected }
            if selected >= scroll + height { scroll = selected - height + 1 }
        }
        return scroll
    }
}
