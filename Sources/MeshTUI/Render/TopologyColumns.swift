/// Where the topology's columns go at a given width. Narrow terminals drop the least useful
/// columns first (history, p50, active) so the name always keeps room.
struct TopologyColumns {
    enum Kind: CaseIterable { case state, weight, load, rps, active, p50, p99, errors, history }

    /// Tree prefix, glyph and id.
    private(set) var nameWidth: Int
    /// Column kinds shown, left to right, each with its start and width (a leading gap included).
    private(set) var shown: [(kind: Kind, x: Int, width: Int)] = []

    static let minimumName = 22

    init(cols: Int) {
        // Room for each title with the sort mark and a gap before it ("ERR/s▼").
        var widths: [Kind: Int] = [.weight: 6, .load: 10, .rps: 7, .active: 5, .p50: 7, .p99: 7, .errors: 7]
        if cols >= 110 { widths[.state] = 11 }
        var room = cols - widths.values.reduce(0, +)
        for drop in [Kind.p50, .active, .load, .weight] where room < TopologyColumns.minimumName {
            room += widths.removeValue(forKey: drop) ?? 0
        }
        let history = room - TopologyColumns.minimumName >= 8 ? min(31, room - TopologyColumns.minimumName) : 0
        if history > 0 { widths[.history] = history }
        nameWidth = room - history
        var x = nameWidth
        for kind in Kind.allCases {
            guard let w = widths[kind] else { continue }
            shown.append((kind, x, w))
            x += w
        }
    }

    func column(_ kind: Kind) -> (x: Int, width: Int)? {
        shown.first { $0.kind == kind }.map { ($0.x, $0.width) }
    }

    static func title(_ kind: Kind) -> String {
        switch kind {
        case .state: "STATE"
        case .weight: "WGHT"
        case .load: "LOAD"
        case .rps: "RPS"
        case .active: "ACT"
        case .p50: "P50"
        case .p99: "P99"
        case .errors: "ERR/s"
        case .history: "HISTORY"
        }
    }

    /// The sort a click on the column's title asks for; nil for columns that do not sort.
    static func sortKey(_ kind: Kind) -> DashboardView.SortKey? {
        switch kind {
        case .state: .state
        case .rps, .load: .rps
        case .p99: .p99
        case .errors: .errors
        default: nil
        }
    }

    /// History and state read left to right; numbers line up on the right.
    static func leftAligned(_ kind: Kind) -> Bool { kind == .history || kind == .state || kind == .load }
}
