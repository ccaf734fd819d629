public import MeshCore

/// Keys to UI changes and the session's commands: a pure function, so every key script is a
/// unit test and drawing never changes state (gitui, htop). `q` is `.stop`.
public func handleKey(_ key: Key, view: DashboardView, state: MeshState, status: SessionStatus)
    -> (view: DashboardView, commands: [SessionCommand]) {
    var input = DashboardInput(view: view, state: state, status: status)
    input.handle(key)
    return (input.view, input.commands)
}

struct DashboardInput {
    var view: DashboardView
    let state: MeshState
    let status: SessionStatus
    var commands: [SessionCommand] = []

    /// Rows a page key moves: the handler does not know the terminal height.
    static let page = 10
    static let weightStep = 10
    static let seekStep = 10.0

    init(view: DashboardView, state: MeshState, status: SessionStatus) {
        self.view = view; self.state = state; self.status = status
    }

    mutating func handle(_ key: Key) {
        if key == .resize { return }
        // A paste is text, never an answer or a command: with a question open it changes nothing.
        if case .paste(let text) = key { return paste(text) }
        view.notice = nil
        if let confirm = view.confirmation { return answer(confirm, key) }
        if view.editingFilter { return editFilter(key) }
        if view.helpVisible {
            if key == .escape || key == .char("?") || key == .char("q") || isClick(key) { view.helpVisible = false }
            return
        }
        switch key {
        case .click(let target): return click(target)
        case .wheel(let up, let pane): return wheel(up: up, over: pane)
        default: break
        }
        if key == .escape {
            if view.inspecting { view.inspecting = false } else if !view.filter.isEmpty { setFilter("") }
            return
        }
        guard let binding = KeyBinding.binding(for: key) else { return }
        guard binding.modes.contains(status.mode) else {
            let modes = SessionMode.allCases.filter(binding.modes.contains).map(\.rawValue).joined(separator: " and ")
            return refuse(status.mode == .replay && KeyBinding.changesMesh.contains(binding.action)
                ? "replay shows recorded history: \(binding.name) is not possible"
                : "\(binding.name) works in \(modes) only")
        }
        perform(binding.action)
    }

    private mutating func perform(_ action: DashboardAction) {
        switch action {
        case .moveUp: move(by: -1)
        case .moveDown: move(by: 1)
        case .pageUp: move(by: -DashboardInput.page)
        case .pageDown: move(by: DashboardInput.page)
        case .top: move(by: Int.min / 2)
        case .bottom: move(by: Int.max / 2)
        case .toggle: toggle()
        case .drain: operate(.drain)
        case .kill: operate(.kill)
        case .restore: operate(.restore)
        case .weightUp: reweight(by: DashboardInput.weightStep)
        case .weightDown: reweight(by: -DashboardInput.weightStep)
        case .filter: view.editingFilter = true
        case .sort:
            view.sort = view.sort.next
            view.notice = .init("sort: \(view.sort.rawValue)")
        case .switchPane: view.focus = view.focus == .topology ? .events : .topology
        case .pause:
            if status.mode == .live {
                view.frozen.toggle()
                view.notice = .init(view.frozen ? "display frozen: space resumes" : "display live")
            } else {
                commands.append(.togglePause)
            }
        case .slower: commands.append(.speed(faster: false))
        case .faster: commands.append(.speed(faster: true))
        case .seekBack: commands.append(.seek(by: -DashboardInput.seekStep))
        case .seekForward: commands.append(.seek(by: DashboardInput.seekStep))
        case .graph:
            view.graph.toggle()
            view.inspecting = false
            view.notice = .init(view.graph ? "graph: edges by traffic share (v: table)" : "table")
        case .inspect:
            view.inspecting.toggle()
            if view.inspecting, currentSelection()?.endpoint == nil {
                view.inspecting = false
                refuse("select an endpoint to inspect")
            }
        case .help: view.helpVisible = true
        case .quit: commands.append(.stop)
        }
    }

    // MARK: paste and mouse

    /// Pasted text goes into the filter prompt, one line; anywhere else it is refused, never run.
    private mutating func paste(_ text: String) {
        guard view.confirmation == nil else { return }
        guard view.editingFilter else {
            return refuse("pasted text is not a command: press / to paste into the filter")
        }
        // Line breaks and tabs become one space; other control characters are dropped.
        var line = ""
        for c in text {
            if c.isNewline || c == "\t" {
                if line.last != " " { line.append(" ") }
            } else if let ascii = c.asciiValue, ascii < 0x20 || ascii == 0x7F {
                continue
            } else {
                line.append(c)
            }
        }
        setFilter(view.filter + line)
    }

    private func isClick(_ key: Key) -> Bool { if case .click = key { true } else { false } }

    private mutating func click(_ target: MouseTarget) {
        switch target {
        case .row(let selection):
            view.focus = .topology
            view.selection = selection
        case .sort(let key):
            view.sort = key
            view.notice = .init("sort: \(key.rawValue)")
        case .pane(let pane):
            view.focus = pane
        }
    }

    /// Three rows a notch, as terminals scroll.
    private mutating func wheel(up: Bool, over pane: DashboardView.Pane) {
        let step = up ? -3 : 3
        if pane == .events {
            view.eventScroll = max(0, min(state.log.count - 1, view.eventScroll + step))
        } else {
            let focus = view.focus
            view.focus = .topology
            move(by: step)
            view.focus = focus
        }
    }

    // MARK: movement

    private mutating func move(by delta: Int) {
        if view.focus == .events {
            view.eventScroll = max(0, min(state.log.count - 1, view.eventScroll + delta))
            return
        }
        let layout = TopologyLayout(state: state, view: view)
        let selectable = layout.rows.indices.filter(layout.isSelectable)
        guard !selectable.isEmpty else { return }
        // With nothing chosen yet the first row is the one highlighted: move from there.
        let current = layout.index(of: view.selection, in: state).flatMap { selectable.firstIndex(of: $0) } ?? 0
        let target = max(0, min(selectable.count - 1, current + delta))
        view.selection = layout.selection(at: selectable[target], in: state)
    }

    private mutating func toggle() {
        guard let selection = currentSelection() else { return }
        let name = selection.service
        if view.collapsed.contains(name) {
            view.collapsed.remove(name)
        } else {
            view.collapsed.insert(name)
            view.selection = .service(name)
        }
    }

    /// The selection, or the row the topology highlights when nothing was chosen yet.
    private func currentSelection() -> DashboardView.Selection? {
        let layout = TopologyLayout(state: state, view: view)
        if let i = layout.index(of: view.selection, in: state) { return layout.selection(at: i, in: state) }
        return layout.rows.indices.first(where: layout.isSelectable).flatMap { layout.selection(at: $0, in: state) }
    }

    // MARK: operator actions

    private func selectedEndpoint() -> (EndpointRef, Endpoint)? {
        guard let ref = currentSelection()?.endpoint, let endpoint = state.endpoint(ref) else { return nil }
        return (ref, endpoint)
    }

    /// The engine's own rules (`OperatorCommand.refusal(given:)`) say what applies, so a
    /// refusal here reads as the admin API's and `ctl`'s.
    private mutating func operate(_ action: OperatorAction) {
        guard let (ref, endpoint) = selectedEndpoint() else {
            return refuse("select an endpoint to \(action.rawValue) (Enter expands a service)")
        }
        let command = OperatorCommand(action: action, target: ref, by: OperatorCommand.keyboard)
        if let refusal = command.refusal(given: endpoint.state) { return refuse(refusal.description) }
        let dangerous = KeyBinding.table.first { $0.action == (action == .kill ? .kill : .drain) }?.dangerous ?? false
        if action == .kill && dangerous {
            view.confirmation = .init(action: action, target: ref)
            return
        }
        commands.append(.operate(command))
        view.notice = .init("\(action.rawValue) \(ref)")
    }

    private mutating func reweight(by delta: Int) {
        guard let (ref, endpoint) = selectedEndpoint() else { return refuse("select an endpoint to change its weight") }
        let range = Endpoint.weightRange
        // Until the state shows the last weight asked, step on from that one.
        var current = endpoint.weight
        if let pending = view.pendingWeight, pending.endpoint == ref, pending.isUnderway(showing: endpoint.weight) { current = pending.to }
        let weight = min(range.upperBound, max(range.lowerBound, current + delta))
        guard weight != current else {
            return refuse("\(ref) weight is already \(weight == range.lowerBound ? "at its minimum" : "at its maximum") (\(weight))")
        }
        commands.append(.operate(OperatorCommand(action: .weight, target: ref, by: OperatorCommand.keyboard, weight: weight)))
        view.pendingWeight = PendingWeight(endpoint: ref, from: endpoint.weight, to: weight)
        view.notice = .init("weight \(ref) \(current) \(view.ascii ? "->" : "→") \(weight)")
    }

    private mutating func answer(_ confirm: DashboardView.Confirmation, _ key: Key) {
        if case .wheel = key { return }
        view.confirmation = nil
        if key == .char("y") || key == .char("Y") {
            commands.append(.operate(OperatorCommand(action: confirm.action, target: confirm.target, by: OperatorCommand.keyboard)))
            view.notice = .init("\(confirm.action.rawValue) \(confirm.target)")
        } else {
            view.notice = .init("\(confirm.action.rawValue) \(confirm.target) cancelled")
        }
    }

    private mutating func refuse(_ why: String) { view.notice = .init(why, warning: true) }

    // MARK: filter

    private mutating func editFilter(_ key: Key) {
        switch key {
        case .enter: view.editingFilter = false
        case .escape:
            view.editingFilter = false
            setFilter("")
        case .backspace, .delete:
            if !view.filter.isEmpty { setFilter(String(view.filter.dropLast())) }
        case .char(let c) where !c.isNewline:
            setFilter(view.filter + String(c))
        default:
            break
        }
    }

    /// Changes the filter and keeps a visible row selected.
    private mutating func setFilter(_ text: String) {
        view.filter = text
        view.topologyScroll = 0
        let layout = TopologyLayout(state: state, view: view)
        if let i = layout.index(of: view.selection, in: state), layout.isSelectable(i) {
            view.selection = layout.selection(at: i, in: state)
        } else {
            view.selection = layout.rows.indices.first(where: layout.isSelectable).flatMap { layout.selection(at: $0, in: state) }
        }
    }
}
