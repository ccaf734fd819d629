import MeshCore

/// Screens drawn over or instead of the dashboard: help, and "terminal too small".
extension DashboardRenderer {
    mutating func drawTooSmall() {
        let need = "\(dashboardMinimumSize.cols)x\(dashboardMinimumSize.rows)"
        let lines: [(String, CellStyle)] = [
            ("terminal too small", CellStyle(.warn, bold: true)),
            ("need \(need), have \(cols)x\(rows)", CellStyle()),
            ("enlarge the window (q quits)", CellStyle(.muted)),
        ]
        let top = max(0, (rows - lines.count) / 2)
        for (i, (text, style)) in lines.enumerated() {
            let fitted = Format.fit(text, cols, ascii: true)
            buffer.put(fitted, x: max(0, (cols - CharacterWidth.of(fitted)) / 2), y: top + i, style: style)
        }
    }

    /// The key table as a centred box: keys, what they do, where they work.
    mutating func drawHelp() {
        let table = KeyBinding.table
        let width = min(cols - 4, 76)
        let height = min(rows - 2, table.filter { !$0.pairsWithPrevious }.count + 2)
        let left = (cols - width) / 2, top = (rows - height) / 2
        let border = CellStyle(.accent, bold: true)
        let (h, v, corners) = glyphs.ascii ? ("-", "|", ["+", "+", "+", "+"]) : ("─", "│", ["┌", "┐", "└", "┘"])
        for y in top..<(top + height) {
            buffer.fill(y: y, from: left, to: left + width)
            buffer.put(v, x: left, y: y, style: border)
            buffer.put(v, x: left + width - 1, y: y, style: border)
        }
        buffer.fill(y: top, from: left, to: left + width, scalar: h.unicodeScalars.first!, style: border)
        buffer.fill(y: top + height - 1, from: left, to: left + width, scalar: h.unicodeScalars.first!, style: border)
        buffer.put(corners[0], x: left, y: top, style: border)
        buffer.put(corners[1], x: left + width - 1, y: top, style: border)
        buffer.put(corners[2], x: left, y: top + height - 1, style: border)
        buffer.put(corners[3], x: left + width - 1, y: top + height - 1, style: border)
        buffer.put(" mesh-top keys ", x: left + 2, y: top, style: border)
        buffer.putRight(" ? or Esc closes ", right: left + width - 2, y: top + height - 1, style: CellStyle(.muted))

        // Pairs (up/down, slower/faster...) share a line so the whole table fits in 80x24.
        var lines: [[KeyBinding]] = []
        for binding in table {
            if binding.pairsWithPrevious, !lines.isEmpty { lines[lines.count - 1].append(binding) } else { lines.append([binding]) }
        }
        let inner = left + width - 2
        var y = top + 1
        for group in lines {
            guard y < top + height - 1 else { break }
            let first = group[0]
            let keys = group.flatMap(\.keys).map { $0.label(ascii: glyphs.ascii) }.joined(separator: " ")
            let available = first.modes.contains(frame.status.mode)
            var x = buffer.put(" " + keys, x: left + 1, y: y, style: CellStyle(available ? .key : .muted, bold: true), limit: inner)
            x = max(x + 1, left + 15)
            x = buffer.put(group.count > 1 ? first.hintName : first.name, x: x, y: y,
                           style: CellStyle(available ? .normal : .muted, bold: true), limit: inner)
            x = max(x + 1, left + 24)
            var modes = ""
            if first.modes.count < SessionMode.allCases.count {
                modes = SessionMode.allCases.filter(first.modes.contains).map(\.rawValue).joined(separator: "/")
                buffer.putRight(modes, right: inner, y: y, style: CellStyle(.muted))
            }
            let limit = inner - CharacterWidth.of(modes) - 1
            // The confirmation note goes first so that a long description cannot hide it.
            if first.dangerous { x = buffer.put("asks y/n: ", x: x, y: y, style: CellStyle(.bad, bold: true), limit: limit) }
            let description = group.map(\.description).joined(separator: " / ")
            buffer.put(Format.fit(description, limit - x, ascii: glyphs.ascii), x: x, y: y,
                       style: CellStyle(available ? .normal : .muted), limit: limit)
            y += 1
        }
    }
}
