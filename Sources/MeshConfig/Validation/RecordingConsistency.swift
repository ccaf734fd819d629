import MeshCore

/// What `validate` says about a recording's events beyond each line on its own: events about
/// endpoints that no earlier line declares (the header's mesh, a `registry` registration, a
/// keyframe). Replay plays such an event (the events pane shows it) but it changes no endpoint:
/// `MeshState.apply` finds nothing to change. So it is a warning, not an error: the recording
/// still replays as it was written. (Time going backwards is an error, `RecordingReader`'s:
/// seeking and the keyframe index rely on the order.)
struct RecordingConsistency {
    private var declared: Set<EndpointRef> = []
    /// The first event about an undeclared endpoint, and how many there were in all.
    private(set) var first: (line: Int, type: String, endpoint: EndpointRef)?
    private(set) var undeclared = 0

    init(mesh: MeshState) { declare(mesh) }

    mutating func take(_ event: MeshEvent, line: Int) {
        switch event.body {
        case .keyframe(let state):
            declared.removeAll(keepingCapacity: true)
            declare(state)
        case .registry(let change):
            let ref = EndpointRef(service: change.service, endpoint: change.endpoint.id)
            if change.action == .registered { declared.insert(ref) } else { declared.remove(ref) }
        case .endpointState(let change): check(change.endpoint, event, line)
        case .operatorCommand(let command): check(command.target, event, line)
        case .check(let change): check(change.endpoint, event, line)
        case .view(let view): check(view.endpoint, event, line)
        case .sample(let sample):
            for entry in sample.endpoints { check(entry.endpoint, event, line) }
        case .failover, .panic, .alert, .fault, .instance, .node:
            break
        }
    }

    /// One line for everything found, or nil.
    func warning(file: String) -> String? {
        guard let first else { return nil }
        let more = undeclared > 1 ? " (and \(undeclared - 1) more like it)" : ""
        return "warning: \(file):\(first.line): \(first.type) for \(first.endpoint), which no earlier line declares; "
            + "replay shows the event but changes no endpoint\(more)"
    }

    private mutating func declare(_ state: MeshState) {
        for service in state.services {
            for endpoint in service.endpoints { declared.insert(EndpointRef(service: service.name, endpoint: endpoint.id)) }
        }
    }

    private mutating func check(_ ref: EndpointRef, _ event: MeshEvent, _ line: Int) {
        guard !declared.contains(ref) else { return }
        undeclared += 1
        if first == nil { first = (line, event.type, ref) }
    }
}
