/// A running session as everything outside its driving thread holds it: the dashboard, the
/// admin API and the executable's signal handling. Reads never wait for the engine (they take
/// the last published snapshot) and the engine never waits for them (commands are queued).
public protocol SessionHandle: AnyObject, Sendable {
    /// The session as last published.
    func snapshot() -> SessionSnapshot
    /// Queues a command; `reply` (on the driving thread) gets nil once an input is applied and
    /// published, or why it was refused. Any thread may call it.
    func submit(_ command: SessionCommand, reply: (@Sendable (OperatorError?) -> Void)?)
}

extension SessionHandle {
    public func submit(_ command: SessionCommand) { submit(command, reply: nil) }
}
