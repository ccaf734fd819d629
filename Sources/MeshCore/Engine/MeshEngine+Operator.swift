/// Operator actions: the keyboard, the admin API, `ctl`, Consul's maintenance and scenarios
/// all come here, and `OperatorCommand.refusal(given:)` says which apply.
extension MeshEngine {
    /// Applies an operator command, or says in one line why not (and changes nothing).
    /// In a shared mesh the command is stamped with this instance's name, unless it has one.
    public func operate(_ command: OperatorCommand, now: Double) throws(OperatorError) -> Output {
        try carryOut(command, now: now)
        return finish()
    }

    func carryOut(_ command: OperatorCommand, now: Double) throws(OperatorError) {
        guard let (s, slot) = locate(command.target), let runtime = services[s].slots[Int(slot)] else {
            throw OperatorError.unknownEndpoint(command.target)
        }
        if let refusal = command.refusal(given: runtime.shownState) { throw refusal }
        var command = command
        if command.instance == nil { command.instance = instance }
        let who = command.by + (command.instance.map { " on \($0)" } ?? "")
        emit(.operatorCommand(command), at: now, position: index(s, slot).map { (s, $0) })
        switch command.action {
        case .drain:
            services[s].slots[Int(slot)]?.hold = .draining(since: now)
            refresh(s, slot, reason: "operator drain by \(who)", byOperator: true, now: now)
        case .kill:
            services[s].slots[Int(slot)]?.hold = .killed
            refresh(s, slot, reason: "operator kill by \(who)", byOperator: true, now: now)
        case .restore:
            // A killed endpoint comes back unchecked; a drained one was checked all along.
            if runtime.hold == .killed { services[s].slots[Int(slot)]?.health.reset() }
            services[s].slots[Int(slot)]?.hold = .none
            services[s].slots[Int(slot)]?.ejectedUntil = nil
            services[s].outlier?.reset(slot: slot)
            refresh(s, slot, reason: "operator restore by \(who)", byOperator: true, now: now)
        case .weight:
            replan(s, now: now, changed: slot)
        }
    }

    /// Another instance's word in a shared mesh (or this one's, from before a restart): brings
    /// the endpoint to where the command leaves it, from whatever state it is in here, so that
    /// every instance ends where the last word put it. Nothing happens (an empty output) when
    /// it is there already or unknown here. A drain of an endpoint killed here replaces the
    /// kill, as the later word.
    public func adopt(_ command: OperatorCommand, now: Double) -> Output {
        guard let (s, slot) = locate(command.target), let runtime = services[s].slots[Int(slot)],
              let endpoint = state.endpoint(command.target) else { return finish() }
        switch command.action {
        case .drain:
            switch runtime.hold {
            case .draining, .drained: return finish()
            case .none: break
            case .killed:
                emit(.operatorCommand(command), at: now)
                services[s].slots[Int(slot)]?.health.reset()
                services[s].slots[Int(slot)]?.hold = .draining(since: now)
                refresh(s, slot, reason: "operator drain by \(command.by)" + (command.instance.map { " on \($0)" } ?? ""), byOperator: true, now: now)
                return finish()
            }
        case .weight:
            guard endpoint.weight != command.weight else { return finish() }
        case .kill, .restore:
            break
        }
        // Where the command does not apply (a refusal), the endpoint is where it leaves it
        // already: nothing to say.
        try? carryOut(command, now: now)
        return finish()
    }
}
