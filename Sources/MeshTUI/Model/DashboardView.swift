public import MeshCore

/// The dashboard's own state: what is selected, folded, filtered and shown. A value that only the
/// input handler changes; the mesh itself lives in `MeshState`.
public struct DashboardView: Sendable, Equatable {
    public enum Pane: String, Sendable { case topology, events }

    public enum SortKey: String, Sendable, CaseIterable {
        case name, rps, errors, p99, state

        public var next: SortKey {
            let all = SortKey.allCases
            return all[(all.firstIndex(of: self)! + 1) % all.count]
        }
    }

    /// A selected row, by name rather than position, so it stays put when rows re-sort.
    public enum Selection: Hashable, Sendable {
        case service(String)
        case endpoint(EndpointRef)

        public var endpoint: EndpointRef? { if case .endpoint(let ref) = self { ref } else { nil } }
        public var service: String {
            switch self {
            case .service(let name): name
            case .endpoint(let ref): ref.service
            }
        }
    }

    /// A dangerous action waiting for `y`.
    public struct Confirmation: Sendable, Equatable {
        public var action: OperatorAction
        public var target: EndpointRef
        public init(action: OperatorAction, target: EndpointRef) { self.action = action; self.target = target }
    }

    /// A line for the footer until the next key, or until it has been shown a few seconds.
    public struct Notice: Sendable, Equatable {
        public var text: String
        public var warning: Bool
        public init(_ text: String, warning: Bool = false) { self.text = text; self.warning = warning }
    }

    public var selection: Selection?
    /// Collapsed services by name; services start expanded.
    public var collapsed: Set<String>
    public var filter: String
    /// `/` was pressed: keys edit the filter until Enter or Esc.
    public var editingFilter: Bool
    public var sort: SortKey
    public var focus: Pane
    public var helpVisible: Bool
    public var confirmation: Confirmation?
    /// The last weight asked from the keyboard, until the state shows it: keys pressed faster
    /// than the engine answers step on from it rather than from the weight shown (auto-repeat
    /// of `+` asked for the same weight five times).
    public var pendingWeight: PendingWeight?
    public var notice: Notice?
    public var theme: Theme
    public var ascii: Bool
    /// Live mode only: the display holds its last snapshot (space), like htop's freeze.
    public var frozen: Bool
    /// First topology row shown; `render` moves it as little as needed to show the selection.
    public var topologyScroll: Int
    /// Events skipped from the newest.
    public var eventScroll: Int
    /// The topology drawn as a graph (services → zones → endpoints, edges by traffic share)
    /// instead of a table.
    public var graph: Bool
    /// The selected endpoint's detail in full, over the topology and events.
    public var inspecting: Bool

    public init(theme: Theme = .default, ascii: Bool = false) {
        selection = nil; collapsed = []; filter = ""; editingFilter = false; sort = .name
        focus = .topology; helpVisible = false; confirmation = nil; notice = nil
        self.theme = theme; self.ascii = ascii; frozen = false; topologyScroll = 0; eventScroll = 0
        graph = false; inspecting = false
    }
}

/// A weight the keyboard asked for: `from` what the state showed, `to` what was asked.
public struct PendingWeight: Sendable, Equatable {
    public var endpoint: EndpointRef
    public var from: Int
    public var to: Int

    /// Whether a state showing `weight` has not caught up with it yet (it shows the weight it
    /// came from, or one of the steps on the way).
    func isUnderway(showing weight: Int) -> Bool {
        from <= to ? (from..<to).contains(weight) : (to + 1...from).contains(weight)
    }
}
