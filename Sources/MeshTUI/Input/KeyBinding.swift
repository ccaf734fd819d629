public import MeshCore

/// Everything a key can make the dashboard do.
public enum DashboardAction: String, Sendable, CaseIterable {
    case moveUp, moveDown, pageUp, pageDown, top, bottom
    case toggle, drain, kill, restore, weightUp, weightDown
    case filter, sort, switchPane, pause, slower, faster, seekBack, seekForward, graph, inspect, help, quit
}

/// One row of the key table. The hint bar and the `?` screen are both generated from
/// `KeyBinding.table`, so they cannot disagree with what the keys do (k9s, htop).
public struct KeyBinding: Sendable {
    public var keys: [Key]
    public var action: DashboardAction
    public var name: String
    public var description: String
    /// Asks for confirmation naming its target before anything happens.
    public var dangerous: Bool
    /// Session modes where the key works; elsewhere it explains why not.
    public var modes: Set<SessionMode>
    /// Keys as the hint bar writes them, or nil to leave the binding to the help screen.
    public var hint: String?
    /// Which hints a narrow hint bar keeps: lower first (the `?` screen always has them all).
    public var priority: Int

    public init(_ keys: [Key], _ action: DashboardAction, _ name: String, _ description: String,
                dangerous: Bool = false, modes: Set<SessionMode> = Set(SessionMode.allCases),
                hint: String? = nil, priority: Int = 5) {
        self.keys = keys; self.action = action; self.name = name; self.description = description
        self.dangerous = dangerous; self.modes = modes; self.hint = hint; self.priority = priority
    }

    /// Operator actions change the mesh: a recording's history cannot be changed.
    public static let changesMesh: Set<DashboardAction> = [.drain, .kill, .restore, .weightUp, .weightDown]

    private static let played: Set<SessionMode> = [.demo, .replay]
    private static let steerable: Set<SessionMode> = [.live, .demo]

    public static let table: [KeyBinding] = [
        KeyBinding([.up, .char("k")], .moveUp, "up", "previous row", hint: "↑↓", priority: 6),
        KeyBinding([.down, .char("j")], .moveDown, "down", "next row (or click a row)"),
        KeyBinding([.pageUp], .pageUp, "page up", "ten rows up"),
        KeyBinding([.pageDown], .pageDown, "page down", "ten rows down"),
        KeyBinding([.home, .char("g")], .top, "top", "first row"),
        KeyBinding([.end, .char("G")], .bottom, "bottom", "last row"),
        KeyBinding([.enter], .toggle, "fold", "expand or collapse the service", hint: "⏎", priority: 6),
        KeyBinding([.char("d")], .drain, "drain", "no new work; in-flight work finishes",
                   modes: steerable, hint: "d", priority: 1),
        KeyBinding([.char("x")], .kill, "kill", "out at once, connections reset",
                   dangerous: true, modes: steerable, hint: "x", priority: 1),
        KeyBinding([.char("r")], .restore, "restore", "drained/killed/ejected back in rotation",
                   modes: steerable, hint: "r", priority: 1),
        KeyBinding([.char("+"), .char("=")], .weightUp, "weight+", "weight +10",
                   modes: steerable, hint: "+-", priority: 5),
        KeyBinding([.char("-"), .char("_")], .weightDown, "weight-", "weight -10", modes: steerable),
        KeyBinding([.char("/")], .filter, "filter", "by name, zone or state; paste works",
                   hint: "/", priority: 3),
        KeyBinding([.char("s")], .sort, "sort", "name, rps, errors, p99, state; or click a title", hint: "s", priority: 4),
        KeyBinding([.tab, .backTab], .switchPane, "pane", "topology or events (j/k scroll events)", hint: "Tab", priority: 6),
        KeyBinding([.char(" ")], .pause, "pause", "pause/resume (live: freeze display)", hint: "space", priority: 2),
        KeyBinding([.char("<"), .char(",")], .slower, "slower", "half speed", modes: played, hint: "<>", priority: 5),
        KeyBinding([.char(">"), .char(".")], .faster, "faster", "double speed", modes: played),
        KeyBinding([.char("[")], .seekBack, "back", "10 s back", modes: played, hint: "[]", priority: 2),
        KeyBinding([.char("]")], .seekForward, "forward", "10 s forward", modes: played),
        KeyBinding([.char("v")], .graph, "graph", "topology as a graph, edges by traffic share", hint: "v", priority: 3),
        KeyBinding([.char("i")], .inspect, "inspect", "an endpoint: picks, checks, outliers, latency",
                   hint: "i", priority: 4),
        KeyBinding([.char("?")], .help, "help", "this screen", hint: "?", priority: 0),
        KeyBinding([.char("q"), .char("Q")], .quit, "quit", "leave mesh-top", hint: "q", priority: 0),
    ]

    /// The hint bar's and help screen's word for an action, where two bindings share one line.
    var hintName: String {
        switch action {
        case .moveUp: "move"
        case .pageUp: "page"
        case .top: "ends"
        case .weightUp: "weight"
        case .slower: "speed"
        case .seekBack: "seek"
        default: name
        }
    }

    /// The second half of a pair (down after up): the help screen shows both on one line.
    var pairsWithPrevious: Bool {
        [.moveDown, .pageDown, .bottom, .weightDown, .faster, .seekForward].contains(action)
    }

    /// The hint's keys; plain terminals get letters instead of arrows.
    func hintKeys(ascii: Bool) -> String? {
        guard let hint else { return nil }
        guard ascii else { return hint }
        switch hint {
        case "↑↓": return "jk"
        case "⏎": return "Enter"
        default: return hint
        }
    }

    public static func binding(for key: Key) -> KeyBinding? {
        table.first { $0.keys.contains(key) }
    }
}
