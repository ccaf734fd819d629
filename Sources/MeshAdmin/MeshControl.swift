public import MeshCore

/// What the admin API needs from a running session: its state, and a way to act on it. The
/// session's driver implements it; every mode (live, demo, replay) answers the same routes.
public protocol MeshControl: AnyObject, Sendable {
    /// The state as last published by the engine.
    func currentState() -> MeshState
    /// What drives the state: `live` (run), `demo` or `replay`; `/v1/mesh` says it as `session`.
    var session: String { get }
    /// Queues an operator command; `reply` gets nil once it is applied, or why it was refused.
    /// It may be called on any thread.
    func operate(_ command: OperatorCommand, reply: @escaping @Sendable (OperatorError?) -> Void)
    /// Queues a registration, deregistration or TTL report; `reply` as for `operate`.
    func registry(_ command: RegistryCommand, reply: @escaping @Sendable (OperatorError?) -> Void)
}

extension MeshControl {
    public var session: String { "live" }
}
