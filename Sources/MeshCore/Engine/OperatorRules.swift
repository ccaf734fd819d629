/// What an operator may do to an endpoint, judged by the state it shows: the one rule set
/// behind every way of asking. The engine applies it to each command; the dashboard asks it
/// before sending one, so that a refusal reads the same in its footer as from the admin API
/// and `mesh-top ctl` (which reach the engine).
extension OperatorCommand {
    /// nil when the command applies to an endpoint in `state`, else why not. Drain takes an
    /// endpoint in rotation (ejected included); kill anything not killed yet; restore what the
    /// operator or outlier detection took out (draining, drained, killed, ejected); weight any
    /// endpoint, within `Endpoint.weightRange`.
    public func refusal(given state: EndpointState) -> OperatorError? {
        switch action {
        case .drain: state.isAdministrative ? .notApplicable(target, state, "drain") : nil
        case .kill: state == .killed ? .notApplicable(target, state, "kill") : nil
        case .restore: state.isAdministrative || state == .ejected ? nil : .notApplicable(target, state, "restore")
        case .weight: weight.map(Endpoint.weightRange.contains) == true ? nil : .badWeight(weight)
        }
    }
}
