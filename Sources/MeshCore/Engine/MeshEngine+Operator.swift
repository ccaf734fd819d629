/// Operator actions: the keyboard, the admin API and scenarios all come here.
extension MeshEngine {
    /// Applies an operator command, or says in one line why not (and changes nothing).
    /// In a shared mesh the command is stamped with this instance's name, unless it has one.
    public func operate(_ command: OperatorCommand, now: Double) throws(OperatorError) {
        guard let (s, slot) = locate(command.target), let runtime = services[s].slots[Int(slot)] else {
            throw OperatorError.unknownEndpoint(command.target)
        }
        var command = command
        if command.instance == nil { command.instance = instance }
        let shown = runtime.shownState
        let who = command.by + (command.instance.map { " on \($0)" } ?? "")
        switch command.action {
        case .drain:
            guard runtime.hold == .none else { throw OperatorError.notApplicable(command.target, shown, "drain") }
            emit(.operatorCommand(command), at: now)
            services[s].slots[Int(slot)]?.hold = .draining(since: now)
            refresh(s, slot, reason: "operator drain by \(who)", now: now)
        case .kill:
            guard runtime.hold != .killed else { throw OperatorError.notApplicable(command.target, shown, "kill") }
            emit(.operatorCommand(command), at: now)
            services[s].slots[Int(slot)]?.hold = .killed
            refresh(s, slot, reason: "operator kill by \(who)", now: now)
        case .restore:
            guard runtime.hold != .none || runtime.ejectedUntil != nil else {
                throw OperatorError.notApplicable(command.target, shown, "restore")
            }
            emit(.operatorCommand(command), at: now)
            // A killed endpoint comes back unchecked; a drained one was checked all along.
            if runtime.hold == .killed { services[s].slots[Int(slot)]?.health.reset() }
            services[s].slots[Int(slot)]?.hold = .none
            services[s].slots[Int(slot)]?.ejectedUntil = nil
            services[s].outlier?.reset(slot: slot)
            refresh(s, slot, reason: "operator restore by \(who)", now: now)
        case .weight:
            guard let weight = command.weight, Endpoint.weightRange.contains(weight) else {
                throw OperatorError.badWeight(command.weight)
            }
            emit(.operatorCommand(command), at: now)
            replan(s, now: now)
        }
    }

    /// Another instance's word in a shared mesh (or this one's, from before a restart): brings
    /// the endpoint to where the command leaves it, from whatever state it is in here, so that
    /// every instance ends where the last word put it. Nothing happens (and false is returned)
    /// when it is there already or unknown here. A drain of an endpoint killed here replaces
    /// the kill, as the later word.
    @discardableResult
    public func adopt(_ command: OperatorCommand, now: Double) -> Bool {
        guard let (s, slot) = locate(command.target), let runtime = services[s].slots[Int(slot)],
              let endpoint = state.endpoint(command.target) else { return false }
        switch command.action {
        case .drain:
            switch runtime.hold {
            case .draining, .drained: return false
            case .none: break
            case .killed:
                emit(.operatorCommand(command), at: now)
                services[s].slots[Int(slot)]?.health.reset()
                services[s].slots[Int(slot)]?.hold = .draining(since: now)
                refresh(s, slot, reason: "operator drain by \(command.by)" + (command.instance.map { " on \($0)" } ?? ""), now: now)
                return true
            }
        case .kill:
            guard runtime.hold != .killed else { return false }
        case .restore:
            guard runtime.hold != .none || runtime.ejectedUntil != nil else { return false }
        case .weight:
            guard endpoint.weight != command.weight else { return false }
        }
        // A refusal here means only that the word does not apply to this endpoint now.
        return (try? operate(command, now: now)) != nil
    }
}
