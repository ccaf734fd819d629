/// Operator actions: the keyboard, the admin API and scenarios all come here.
extension MeshEngine {
    /// Applies an operator command, or says in one line why not (and changes nothing).
    public func operate(_ command: OperatorCommand, now: Double) throws(OperatorError) {
        guard let (s, slot) = locate(command.target), let runtime = services[s].slots[Int(slot)] else {
            throw OperatorError.unknownEndpoint(command.target)
        }
        let shown = runtime.shownState
        switch command.action {
        case .drain:
            guard runtime.hold == .none else { throw OperatorError.notApplicable(command.target, shown, "drain") }
            emit(.operatorCommand(command), at: now)
            services[s].slots[Int(slot)]?.hold = .draining(since: now)
            refresh(s, slot, reason: "operator drain by \(command.by)", now: now)
        case .kill:
            guard runtime.hold != .killed else { throw OperatorError.notApplicable(command.target, shown, "kill") }
            emit(.operatorCommand(command), at: now)
            services[s].slots[Int(slot)]?.hold = .killed
            refresh(s, slot, reason: "operator kill by \(command.by)", now: now)
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
            refresh(s, slot, reason: "operator restore by \(command.by)", now: now)
        case .weight:
            guard let weight = command.weight, Endpoint.weightRange.contains(weight) else {
                throw OperatorError.badWeight(command.weight)
            }
            emit(.operatorCommand(command), at: now)
            replan(s, now: now)
        }
    }
}
