import MeshCore

/// The events pane and the detail pane under the topology.
extension DashboardRenderer {
    mutating func drawEvents(top: Int, height: Int, width: Int) {
        let log = state.log
        let focused = view.focus == .events
        let skip = max(0, min(view.eventScroll, log.count - 1))
        let position = skip > 0 ? "\(glyphs.ascii ? "^" : "↑")\(skip) newer" : ""
        hits.panes.append((0..<width, top..<(top + height), .events))
        let dropped = state.logDropped
        let count = dropped > 0 ? "\(log.count) of \(Format.grouped(Double(log.count + dropped)))" : "\(log.count)"
        drawBar("EVENTS  \(count)", y: top, x: 0, width: width, focused: focused, right: position)
        guard !log.isEmpty else {
            buffer.put("  no events yet", x: 0, y: top + 1, style: CellStyle(.muted), limit: width)
            return
        }
        var y = top + 1
        var i = log.count - 1 - skip
        while y < top + height, i >= 0 {
            let event = log[i]
            let d = EventDescription(event, glyphs: glyphs)
            var x = buffer.put(" " + Format.clock(event.t) + " ", x: 0, y: y, style: CellStyle(.muted), limit: width)
            x = buffer.put(d.glyph + " ", x: x, y: y, style: CellStyle(d.role, bold: true), limit: width)
            buffer.put(Format.fit(d.text, width - x, ascii: glyphs.ascii), x: x, y: y,
                       style: CellStyle(d.role, bold: d.role == .bad), limit: width)
            y += 1; i -= 1
        }
        // Below the oldest event kept: how many older ones the pane cannot show.
        if i < 0, dropped > 0, y < top + height {
            let more = "\(glyphs.ascii ? "..." : "…") \(Format.grouped(Double(dropped))) older event\(dropped == 1 ? "" : "s") not shown"
            buffer.put(" " + Format.fit(more, width - 2, ascii: glyphs.ascii), x: 0, y: y, style: CellStyle(.muted), limit: width)
        }
    }

    mutating func drawDetail(top: Int, height: Int, x: Int) {
        let width = cols - x
        var lines: [[(String, CellStyle)]] = []
        let title: String
        switch shownSelection {
        case .endpoint(let ref)?:
            if let endpoint = state.endpoint(ref), let service = state.service(ref.service) {
                title = ref.description
                lines = endpointDetail(endpoint, ref: ref, service: service, width: width - 1)
            } else {
                title = ref.description
                lines = [[("gone from the registry", CellStyle(.muted))]]
            }
        case .service(let name)?:
            title = name
            lines = state.service(name).map(serviceDetail) ?? [[("gone from the registry", CellStyle(.muted))]]
        case nil:
            title = "DETAIL"
            lines = [[("select a row with ", CellStyle(.muted)), ("j", CellStyle(.key, bold: true)),
                      ("/", CellStyle(.muted)), ("k", CellStyle(.key, bold: true))]]
        }
        drawBar(Format.fit(title, width - 2, ascii: glyphs.ascii), y: top, x: x, width: width, focused: false)
        for (n, line) in lines.prefix(height - 1).enumerated() {
            var cx = x + 1
            let y = top + 1 + n
            for (text, style) in line { cx = buffer.put(text, x: cx, y: y, style: style, limit: cols) }
            // A cut line says so.
            if line.reduce(x + 1, { $0 + CharacterWidth.of($1.0) }) > cols {
                buffer.put(glyphs.ascii ? "~" : "…", x: cols - 1, y: y, style: CellStyle(.muted))
            }
        }
    }

    private func endpointDetail(_ e: Endpoint, ref: EndpointRef, service: Service, width: Int) -> [[(String, CellStyle)]] {
        let label = CellStyle(.muted), role = Glyphs.role(e.state)
        var lines: [[(String, CellStyle)]] = []
        lines.append([(glyphs.state(e.state) + " " + e.state.rawValue, CellStyle(role, bold: true)),
                      (" since \(Format.clock(e.since)) (\(Format.age(state.time - e.since)))", label)])
        var place: [(String, CellStyle)] = [("zone ", label), (e.zone.isEmpty ? "-" : e.zone, .plain)]
        if let address = e.address { place = [("addr ", label), (address, .plain), ("  ", label)] + place }
        lines.append(place)
        // A shared mesh: who owns it, and how the other instances see it (where they disagree
        // is what the operator looks for).
        if let owner = e.owner {
            var shared: [(String, CellStyle)] = [("owner ", label), (owner, .plain)]
            for (instance, seen) in (e.views ?? [:]).sorted(by: { $0.key < $1.key }) {
                shared += [("  \(instance) ", label), (seen.rawValue, CellStyle(seen == e.state ? .normal : Glyphs.role(seen), bold: seen != e.state))]
            }
            lines.append(shared)
        }
        let serviceRPS = summary(of: service).load.rps
        let share = serviceRPS > 0 ? " (\(Format.fixed(e.load.rps / serviceRPS * 100, 0))%)" : ""
        lines.append([("weight ", label), (String(e.weight), .plain), ("  rps ", label), (Format.rate(e.load.rps) + share, .plain),
                      ("  act ", label), (String(e.load.active), .plain)])
        lines.append([("p50 ", label), (Format.latency(e.load.p50), .plain), ("  p99 ", label), (Format.latency(e.load.p99), .plain),
                      ("  err ", label), (Format.errors(e.load.errors) + "/s", CellStyle(e.load.errors > 0 ? .bad : .normal))])
        let detail = DetailLines(glyphs: glyphs)
        if let view = e.load.balancer { lines += balancerLines(view, kind: service.balancer, endpoints: service.endpoints.count) }
        // Why it gets what it gets: the latest pick it took part in.
        if let pick = detail.picks(of: ref.endpoint, in: service).first {
            lines.append([("pick ", label)] + detail.pick(pick, kind: service.balancer, for: ref.endpoint))
        }
        if let checks = detail.checks(e.checks, width: width) { lines.append(checks.marks) }
        if let tls = detail.tls(e.load.tls) { lines.append(tls) }
        var ejections = 0
        var changes: [(Double, StateChange)] = []
        for event in state.log {
            guard case .endpointState(let c) = event.body, c.endpoint == ref else { continue }
            changes.append((event.t, c))
            if c.to == .ejected { ejections += 1 }
        }
        var tags = detail.outlier(e.load.outlier, ejectionsInLog: ejections, now: state.time)
        if e.supervised { tags.append(("  supervised", label)) }
        if !e.tags.isEmpty { tags.append(("  " + e.tags.joined(separator: ","), label)) }
        lines.append(tags)
        if changes.isEmpty { lines.append([("no state changes in the log", label)]) }
        for (t, c) in changes.reversed() {
            lines.append([(Format.clock(t) + " ", label), ("\(c.from.rawValue)\(glyphs.arrow)\(c.to.rawValue)", CellStyle(Glyphs.role(c.to))),
                          (c.reason.isEmpty ? "" : " " + c.reason, label)])
        }
        return lines
    }

    /// The balancer's own view: its share (of picks, or of the key space for ring-hash and
    /// Maglev), the weight it uses (slow start included) and, for p2c-ewma, the latency estimate
    /// and cost it compares.
    func balancerLines(_ view: BalancerView, kind: BalancerKind, endpoints: Int) -> [[(String, CellStyle)]] {
        let label = CellStyle(.muted)
        var line: [(String, CellStyle)] = kind.isHashing
            ? [("key space ", label), (Format.fixed(view.share * 100, 1) + "%", .plain)]
            : [("share ", label), (Format.fixed(view.share * 100, 1) + "%", .plain)]
        let weight = Double(view.weight) / TrafficPlanner.weightScale
        line += [("  eff wt ", label), (Format.fixed(weight, weight < 10 ? 1 : 0), .plain)]
        if let ramp = view.slowStart { line += [("  ramp ", label), (Format.fixed(ramp * 100, 0) + "%", CellStyle(.warn))] }
        guard kind == .p2cEWMA else { return [line] }
        guard let latency = view.latency, let cost = view.cost else { return [line, [("ewma ", label), ("unmeasured", label)]] }
        return [line, [("ewma ", label), (Format.latency(latency), .plain), ("  cost ", label), (Format.latency(cost), .plain)]]
    }

    private func serviceDetail(_ s: Service) -> [[(String, CellStyle)]] {
        let label = CellStyle(.muted)
        var lines: [[(String, CellStyle)]] = []
        lines.append([("balancer ", label), (s.balancer.rawValue, .plain)])
        if let listen = s.listen { lines.append([("listen ", label), (listen + (s.proto.map { " " + $0 } ?? ""), .plain)]) }
        let zones = s.zones.isEmpty ? "-" : s.zones.joined(separator: ", ")
        var zoneLine: [(String, CellStyle)] = [("zones ", label), (zones, .plain)]
        if let f = s.failoverZone { zoneLine.append(("  traffic in \(f)", CellStyle(.warn, bold: true))) }
        lines.append(zoneLine)
        let summary = summary(of: s)
        let healthy = summary.healthy
        var health: [(String, CellStyle)] = [("healthy ", label), ("\(healthy)/\(s.endpoints.count)", CellStyle(healthy == s.endpoints.count ? .good : .warn))]
        if s.panic { health.append(("  PANIC", CellStyle(.bad, bold: true))) }
        lines.append(health)
        if summary.allWeightsZero {
            lines.append([("no endpoint with weight > 0: requests get 503", CellStyle(.bad, bold: true))])
        }
        let load = summary.clientLoad
        lines.append([("rps ", label), (Format.rate(load.rps), .plain), ("  p99 ", label), (Format.latency(load.p99), .plain),
                      ("  err ", label), (Format.errors(load.errors) + "/s", CellStyle(load.errors > 0 ? .bad : .normal))])
        // Requests are what clients sent; attempts include the retries the mesh made for them.
        if let traffic = s.traffic {
            lines.append([("retries ", label), (Format.rate(traffic.retries) + "/s", CellStyle(traffic.retries > 0 ? .warn : .normal)),
                          ("  attempts ", label), (Format.rate(summary.load.rps) + "/s", .plain)])
        }
        if let pick = s.picks?.first {
            lines.append([("pick ", label)] + DetailLines(glyphs: glyphs).pick(pick, kind: s.balancer, for: nil))
        }
        for alert in state.alerts where alert.subject == s.name || alert.subject.hasPrefix(s.name + "/") {
            lines.append([(glyphs.alertMark + " " + alert.name, CellStyle(alert.severity == .critical ? .bad : .warn, bold: true)),
                          (" since " + Format.clock(alert.since), label)])
        }
        return lines
    }
}
