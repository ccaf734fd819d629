/// What one input to the engine produced: the events it emitted (already applied to `state`)
/// and the effects the data plane must carry out. Empty for most inputs (a request that
/// succeeded changes nothing), and then free: empty arrays do not allocate.
extension MeshEngine {
    public struct Output: Sendable, Equatable {
        public var events: [MeshEvent]
        public var effects: [MeshEffect]

        public init(events: [MeshEvent] = [], effects: [MeshEffect] = []) {
            self.events = events; self.effects = effects
        }

        public var isEmpty: Bool { events.isEmpty && effects.isEmpty }

        /// This output followed by `next`.
        public mutating func append(_ next: Output) {
            events += next.events
            effects += next.effects
        }
    }

    /// Hands back what the input under way produced, and starts the next one empty.
    func finish() -> Output {
        defer { output = Output() }
        return output
    }

    func effect(_ effect: MeshEffect) { output.effects.append(effect) }

    /// The endpoint in `slot` of service `s`, as effects address it.
    func target(_ s: Int, _ slot: Int32) -> EndpointSlot? {
        guard let id = id(s, slot) else { return nil }
        return EndpointSlot(ref: EndpointRef(service: services[s].name, endpoint: id), service: s, slot: slot)
    }

    /// What an endpoint's move between the operator's states asks of the data plane. A drain
    /// that times out also resets what is left (`expireDrains`), and a registration attaches
    /// (`add`): those are decided where they happen.
    static func effects(from old: EndpointState, to new: EndpointState, of target: EndpointSlot) -> [MeshEffect] {
        // A killed endpoint that comes back (restored, or drained by another instance's later
        // word) runs and is checked again.
        let revive: [MeshEffect] = old == .killed && new != .killed ? [.startProcess(target), .resumeChecks(target)] : []
        switch new {
        case .killed where old != .killed:
            return [.pauseChecks(target), .stopProcess(target), .resetConnections(target)]
        case .draining where old != .draining:
            return revive + [.drain(target)]
        case _ where old.isAdministrative && !new.isAdministrative:
            return revive + [.admit(target)]
        default:
            return []
        }
    }
}
