import MeshCore

/// `i`: one endpoint in full, over the topology and events: why traffic goes where it goes
/// (the balancer's view and latest picks), its active checks, its outlier record, its latency
/// histogram and its state changes. Two columns when the terminal is wide enough.
extension DashboardRenderer {
    typealias Line = [(String, CellStyle)]

    /// False when there is no endpoint to inspect (the dashboard is drawn as usual instead).
    mutating func drawInspect(top: Int, height: Int) -> Bool {
        guard let ref = view.selection?.endpoint, let e = state.endpoint(ref), let service = state.service(ref.service) else {
            return false
        }
        shownSelection = .endpoint(ref)
        let label = CellStyle(.muted)
        let detail = DetailLines(glyphs: glyphs)
        let twoColumns = cols >= 100
        let leftWidth = twoColumns ? cols / 2 - 1 : cols
        let rightX = twoColumns ? leftWidth + 1 : 0

        drawBar("INSPECT \(ref)", y: top, x: 0, width: cols, focused: true, right: "Esc or i closes")
        var place: Line = [(glyphs.state(e.state) + " " + e.state.rawValue, CellStyle(Glyphs.role(e.state), bold: true)),
                           (" since \(Format.clock(e.since))", label)]
        if let address = e.address { place += [("  addr ", label), (address, .plain)] }
        place += [("  zone ", label), (e.zone.isEmpty ? "-" : e.zone, .plain)]
        let load: Line = [("weight ", label), (String(e.weight), .plain),
                          ("  rps ", label), (Format.rate(e.load.rps), .plain), ("  p50 ", label), (Format.latency(e.load.p50), .plain),
                          ("  p99 ", label), (Format.latency(e.load.p99), .plain),
                          ("  err ", label), (Format.errors(e.load.errors) + "/s", CellStyle(e.load.errors > 0 ? .bad : .normal))]
        // A blank line between sections where there is room for it.
        let gap: [Line] = twoColumns ? [[]] : []

        var left: [Line] = [place, load] + gap
        left.append(heading("BALANCER " + service.balancer.rawValue))
        if let view = e.load.balancer {
            left += balancerLines(view, kind: service.balancer, endpoints: service.endpoints.count)
            if service.balancer.isHashing { left.append(detail.evenSplit(endpoints: service.endpoints.count, kind: service.balancer)) }
        } else {
            left.append([("not in the balancer's set (", label), (e.state.rawValue, CellStyle(Glyphs.role(e.state))), (")", label)])
        }
        left += pickLines(service, endpoint: ref.endpoint, detail: detail).prefix(twoColumns ? 9 : 4)
        left += gap
        left.append(heading("OUTLIER DETECTION"))
        let ejections = state.log.reduce(0) { n, event in
            if case .endpointState(let c) = event.body, c.endpoint == ref, c.to == .ejected { n + 1 } else { n }
        }
        left.append(detail.outlier(e.load.outlier, ejectionsInLog: ejections, now: state.time))
        if let tls = detail.tls(e.load.tls) { left.append(tls) }
        left += gap
        left.append(heading("STATE CHANGES"))
        var changes: [Line] = []
        for event in state.log.reversed() {
            guard case .endpointState(let c) = event.body, c.endpoint == ref else { continue }
            changes.append([(Format.clock(event.t) + " ", label), ("\(c.from.rawValue)\(glyphs.arrow)\(c.to.rawValue)", CellStyle(Glyphs.role(c.to))),
                            (c.reason.isEmpty ? "" : " " + c.reason, label)])
        }
        left += changes.isEmpty ? [[("none in the log", label)]] : changes

        var right: [Line] = []
        right.append(heading("ACTIVE CHECKS (oldest left)"))
        if let checks = detail.checks(e.checks, width: (twoColumns ? cols - rightX : cols) - 2) {
            right += [checks.marks, checks.times]
            let failed = e.checks.filter { !$0.passed }.count
            right.append([("\(failed) of the last \(e.checks.count) failed", CellStyle(failed > 0 ? .warn : .muted))])
        } else {
            right.append([("no check results yet (or checks are off)", label)])
        }
        right += gap
        right.append(heading("LATENCY, last second"))
        let histogram = detail.histogram(e.latency, width: min(60, (twoColumns ? cols - rightX : cols) - 2), rows: 8)
        right += histogram.isEmpty ? [[("no requests answered in the last window", label)]] : histogram

        if twoColumns {
            drawLines(left, x: 1, top: top + 1, height: height - 1, limit: leftWidth)
            for y in (top + 1)..<(top + height) { buffer.put(glyphs.separator, x: leftWidth, y: y, style: label) }
            drawLines(right, x: rightX + 1, top: top + 1, height: height - 1, limit: cols)
        } else {
            // One column: what explains the traffic first, the history last.
            let changesStart = left.count - max(1, changes.count) - 1
            drawLines(Array(left[..<changesStart]) + right + Array(left[changesStart...]), x: 1, top: top + 1,
                      height: height - 1, limit: cols)
        }
        return true
    }

    /// Whether the endpoints the balancer holds have unequal weights, as it sees them (slow
    /// start included), or by their routing weights where no view was recorded.
    static func weightsDiffer(_ service: Service) -> Bool {
        let views = service.endpoints.compactMap { $0.load.balancer?.weight }
        if !views.isEmpty { return Set(views).count > 1 }
        let routed = service.endpoints.filter { $0.state.isEligible }.map(\.routingWeight).filter { $0 > 0 }
        return Set(routed).count > 1
    }

    private func heading(_ text: String) -> Line { [(text, CellStyle(.accent, bold: true))] }

    /// p2c balancers: the service's latest picks, this endpoint's own first. Others: what
    /// decides instead.
    private func pickLines(_ service: Service, endpoint: String, detail: DetailLines) -> [Line] {
        let label = CellStyle(.muted)
        if service.allWeightsZero {
            return [[("every endpoint has weight 0: nothing to pick, requests get 503", CellStyle(.bad, bold: true))]]
        }
        switch service.balancer {
        case .p2cEWMA, .leastRequest:
            guard let picks = service.picks, !picks.isEmpty else {
                // Only least-request with unequal weights keeps no picks to list; equal weights
                // and no traffic leave the list empty too.
                let weighted = service.balancer == .leastRequest && Self.weightsDiffer(service)
                return [[(weighted ? "weights differ: two drawn by weight, fewer in flight per weight wins (not listed)"
                                   : "no picks in the last window", label)]]
            }
            let score = service.balancer == .leastRequest ? "fewer in flight" : "lower cost (ewma * (in flight + 1))"
            var lines: [Line] = [[("latest picks: two at random, \(score) wins", label)]]
            let mine = picks.filter { $0.candidates.contains(endpoint) }, others = picks.filter { !$0.candidates.contains(endpoint) }
            for pick in mine + others { lines.append(detail.pick(pick, kind: service.balancer, for: endpoint)) }
            return lines
        case .ringHash, .maglev:
            return [[("a request's key picks its endpoint; a share of the key space is a share of keys", label)]]
        case .roundRobin, .weightedRoundRobin:
            return [[("each in turn, as often as its weight (Envoy's schedule)", label)]]
        case .random:
            return [[("drawn at random in proportion to weight", label)]]
        }
    }

    private mutating func drawLines(_ lines: [Line], x: Int, top: Int, height: Int, limit: Int) {
        for (n, line) in lines.prefix(height).enumerated() {
            var cx = x
            for (text, style) in line { cx = buffer.put(text, x: cx, y: top + n, style: style, limit: limit) }
            if line.reduce(x, { $0 + CharacterWidth.of($1.0) }) > limit {
                buffer.put(glyphs.ascii ? "~" : "…", x: limit - 1, y: top + n, style: CellStyle(.muted))
            }
        }
    }
}
