import MeshCore

/// One event as a line of the events pane: what happened, in operator words, and how bad it is.
struct EventDescription {
    var text: String
    var role: ColorRole
    var glyph: String

    init(_ event: MeshEvent, glyphs: Glyphs) {
        let arrow = glyphs.arrow
        switch event.body {
        case .endpointState(let c):
            text = "\(c.endpoint) \(c.from.rawValue)\(arrow)\(c.to.rawValue)" + (c.reason.isEmpty ? "" : ": \(c.reason)")
            glyph = glyphs.state(c.to)
            switch c.to {
            case .unhealthy, .killed, .ejected: role = .bad
            case .draining, .drained: role = .warn
            case .healthy, .unknown: role = .normal
            }
        case .operatorCommand(let c):
            let weight = c.action == .weight ? " \(arrow) \(c.weight.map(String.init) ?? "?")" : ""
            text = "\(c.action.rawValue) \(c.target)\(weight) by \(c.by)" + (c.instance.map { " on \($0)" } ?? "")
                + (c.reason.map { ": \(Self.oneLine($0))" } ?? "")
            glyph = glyphs.ascii ? "@" : "⚙"
            role = .normal
        case .failover(let f):
            text = "failover \(f.service) \(f.from)\(arrow)\(f.to)" + (f.reason.isEmpty ? "" : ": \(f.reason)")
            glyph = glyphs.ascii ? ">" : "⇄"
            role = f.to == f.from ? .normal : .bad
        case .panic(let p):
            text = p.active ? "panic \(p.service): \(Format.fixed(p.healthy, 0))% healthy, all endpoints in use"
                            : "panic over \(p.service): \(Format.fixed(p.healthy, 0))% healthy"
            glyph = "!"
            role = p.active ? .bad : .normal
        case .registry(let r):
            text = "\(r.action.rawValue) \(r.service)/\(r.endpoint.id)" + (r.endpoint.address.map { " at \($0)" } ?? "")
                + (r.reason.map { ": \($0)" } ?? "")
            glyph = r.action == .registered ? "+" : "-"
            role = r.reason == nil ? .normal : .warn
        case .check(let c):
            text = "\(c.endpoint) check \(c.check) " + (c.from == c.to ? c.to.rawValue : "\(c.from.rawValue)\(arrow)\(c.to.rawValue)")
                + (c.output.isEmpty ? "" : ": \(Self.oneLine(c.output))")
            glyph = c.to == .passing ? "+" : "!"
            role = c.to == .critical ? .bad : c.to == .warning ? .warn : .normal
        case .alert(let a):
            let value = a.value == a.value.rounded() ? Format.fixed(a.value, 0) : Format.fixed(a.value, 3)
            text = "alert \(a.name) \(a.state.rawValue) \(a.subject) (\(a.severity.rawValue), \(value))"
            glyph = glyphs.alertMark
            role = a.state == .resolved ? .normal : a.severity == .critical ? .bad : a.severity == .warning ? .warn : .normal
        case .fault(let f):
            text = "fault \(f.action) \(f.target)" + (f.detail.isEmpty ? "" : " \(f.detail)")
            glyph = glyphs.ascii ? "*" : "ϟ"
            role = .warn
        case .instance(let i):
            text = "instance \(i.instance) \(i.action.rawValue)" + (i.admin.map { " (admin \($0))" } ?? "")
                + (i.detail.map { ": \(Self.oneLine($0))" } ?? "")
            glyph = i.action == .joined ? "+" : "-"
            role = i.action == .lost ? .bad : .normal
        case .node(let n):
            text = n.maintenance.map { "node maintenance: \(Self.oneLine($0))" } ?? "node maintenance ended"
            glyph = n.maintenance == nil ? "+" : "-"
            role = n.maintenance == nil ? .normal : .warn
        case .view(let v):
            text = "\(v.endpoint) \(v.state?.rawValue ?? "unseen") from \(v.instance)"
            glyph = " "; role = .muted
        case .sample:
            text = "sample"; glyph = " "; role = .muted
        case .keyframe:
            text = "keyframe"; glyph = " "; role = .muted
        }
    }

    /// A check's output or a reason as one line: what a program printed may hold newlines and tabs.
    static func oneLine(_ text: String) -> String {
        String(text.unicodeScalars.map { $0.properties.generalCategory == .control ? " " : Character($0) })
    }
}
