import MeshCore

/// The pieces of an endpoint's detail that say why traffic goes where it goes, as styled lines
/// for the detail pane and the inspect view: the balancer's latest picks, the active checks,
/// the outlier detector's record and the latency histogram.
struct DetailLines {
    typealias Line = [(String, CellStyle)]

    let glyphs: Glyphs
    let label = CellStyle(.muted)

    // MARK: picks

    /// A pick's score as the balancer compared it: requests in flight (least-request) or the
    /// peak-EWMA cost (p2c-ewma), "new" for an idle unmeasured endpoint (tried first, as Finagle
    /// does), "waiting" while its first answer is awaited.
    func score(_ value: Double, kind: BalancerKind) -> String {
        if kind == .leastRequest { return "\(Int(value)) in flight" }
        if value >= BalancerPick.unmeasuredCost { return "waiting" }
        if value <= 0 { return "new" }
        return Format.latency(value)
    }

    /// One pick from `endpoint`'s side (nil: the service's side): who won, over whom, by what.
    func pick(_ pick: BalancerPick, kind: BalancerKind, for endpoint: String?) -> Line {
        guard pick.candidates.count == 2, pick.scores.count == 2 else { return [] }
        let winner = pick.candidates.firstIndex(of: pick.picked) ?? 0
        let loser = 1 - winner
        // From the endpoint's side: won, lost, or a pick between two others.
        let involved = endpoint.map(pick.candidates.contains) ?? true
        let won = endpoint == nil || endpoint == pick.picked
        let mark = !involved ? glyphs.dot : won ? (glyphs.ascii ? "+" : "✓") : (glyphs.ascii ? "x" : "✗")
        return [(mark + " ", CellStyle(!involved ? .muted : won ? .good : .warn, bold: involved)),
                (pick.candidates[winner], CellStyle(bold: endpoint == pick.candidates[winner])),
                (" " + score(pick.scores[winner], kind: kind), .plain),
                (" over ", label),
                (pick.candidates[loser], CellStyle(.muted, bold: endpoint == pick.candidates[loser])),
                (" " + score(pick.scores[loser], kind: kind), label)]
    }

    /// The picks the endpoint took part in, newest first.
    func picks(of endpoint: String, in service: Service) -> [BalancerPick] {
        (service.picks ?? []).filter { $0.candidates.contains(endpoint) }
    }

    // MARK: checks

    /// The latest checks, oldest left: one mark each, passed or failed, and beneath them their
    /// answer times as bars (scaled to the slowest shown).
    func checks(_ marks: [CheckMark], width: Int) -> (marks: Line, times: Line)? {
        guard !marks.isEmpty, width > 8 else { return nil }
        let shown = marks.suffix(max(1, width - 8))
        var line: Line = [("checks  ", label)]
        for m in shown {
            line.append((m.passed ? (glyphs.ascii ? "+" : "✓") : (glyphs.ascii ? "x" : "✗"), CellStyle(m.passed ? .good : .bad, bold: !m.passed)))
        }
        // Scaled to the slowest, but never finer than 100 ms: answers of 1 ms look small.
        let slowest = max(0.1, Float(shown.map(\.latency).max() ?? 0))
        let bars = glyphs.sparkline(shown.map { Float($0.latency) }, width: shown.count, peak: slowest)
        let last = shown.last!
        let times: Line = [("took    ", label), (bars, CellStyle(.accent)),
                           ("  last " + Format.latency(last.latency), label)]
        return (line, times)
    }

    // MARK: outlier detection

    func outlier(_ record: OutlierRecord?, ejectionsInLog: Int, now: Double) -> Line {
        guard let record else {
            return [("ejections ", label), (String(ejectionsInLog), CellStyle(ejectionsInLog > 0 ? .warn : .normal))]
        }
        var line: Line = [("outlier ", label)]
        if let until = record.until {
            line.append(("ejected", CellStyle(.bad, bold: true)))
            line.append((" back at \(Format.clock(until)) (\(Format.age(until - now)))", label))
        } else {
            line.append(("\(record.failures) failures in a row", CellStyle(record.failures > 0 ? .warn : .normal)))
        }
        line.append(("  ejections \(glyphs.ascii ? "x" : "×")\(record.ejections)", CellStyle(record.ejections > 0 ? .warn : .muted)))
        return line
    }

    // MARK: TLS

    /// How traffic to the endpoint is secured, who it proved to be, when its certificate
    /// expires and how many handshakes failed; nil for plain.
    func tls(_ tls: EndpointTLS?) -> Line? {
        guard let tls else { return nil }
        var line: Line = [("tls ", label), (glyphs.tls(tls) + " " + (tls.mode == .mutual ? "mutual" : "tls"),
                                           CellStyle(tls.mode == .mutual ? .good : .accent))]
        if let peer = tls.peer { line += [("  peer ", label), (peer, .plain)] }
        if let days = tls.expiresInDays {
            line += [("  expires ", label), (days < 1 ? "<1d" : "\(days)d", CellStyle(days < EndpointTLS.expiryWarningDays ? .warn : .normal))]
        }
        if tls.handshakeFailures > 0 {
            line += [("  handshake failures ", label), (String(tls.handshakeFailures), CellStyle(.bad, bold: true))]
        }
        return line
    }

    // MARK: latency histogram

    /// The last window's latencies, one bar per bucket from the first to the last with
    /// requests (Prometheus-style bounds, `LatencyWindow.bounds`).
    func histogram(_ window: LatencyWindow?, width: Int, rows: Int) -> [Line] {
        guard let window, rows > 0, width > 20 else { return [] }
        let counts = window.buckets
        guard let first = counts.firstIndex(where: { $0 > 0 }), let last = counts.lastIndex(where: { $0 > 0 }) else { return [] }
        let total = max(1, counts.reduce(0) { $0 + Int($1) })
        let peak = Double(counts.max() ?? 1)
        var lines: [Line] = []
        let barWidth = max(4, width - 19)
        for i in first...last {
            let bound = i < LatencyWindow.bounds.count
                ? (glyphs.ascii ? "<=" : "≤") + Format.latency(LatencyWindow.bounds[i])
                : "> " + Format.latency(LatencyWindow.bounds[LatencyWindow.bounds.count - 1])
            let bar = glyphs.bar(Double(counts[i]) / peak, width: barWidth)
            let share = Format.fixed(Double(counts[i]) / Double(total) * 100, 0) + "%"
            lines.append([(Format.padLeft(bound, 8) + " ", label), (bar.filled, CellStyle(.accent)),
                          (String(repeating: " ", count: bar.track.unicodeScalars.count), .plain),
                          (" " + Format.padLeft(share, 4), label)])
        }
        // Too many buckets for the room: the busiest ones, in order.
        if lines.count > rows {
            let keep = Set((first...last).sorted { counts[$0] > counts[$1] }.prefix(rows))
            lines = zip(first...last, lines).filter { keep.contains($0.0) }.map(\.1)
        }
        return lines
    }

    // MARK: hash balancers

    /// Ring-hash and Maglev: what an even split of the key space would give, beside its share.
    func evenSplit(endpoints: Int, kind: BalancerKind) -> Line {
        let even = endpoints > 0 ? 100 / Double(endpoints) : 0
        return [("even split of the \(kind == .maglev ? "Maglev table" : "ring"): \(Format.fixed(even, 1))% each", label)]
    }
}
