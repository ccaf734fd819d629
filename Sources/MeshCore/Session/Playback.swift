/// Where a session's events come from: a simulation (demo), live sockets (`run`) or a
/// recording (replay). The session runner paces it on one thread; the dashboard and the admin
/// API only see its state, through the runner's `SessionHandle`.
public protocol Playback: AnyObject {
    var mode: SessionMode { get }
    var now: Double { get }
    var state: MeshState { get }
    /// Mesh time at which it ends, if it does. It may come earlier while playing (a recording
    /// damaged after it was opened ends where play stopped).
    var end: Double? { get }
    /// Why play stopped before its end, once it has (one line); nil while it goes on.
    var stopReason: String? { get }
    /// Runs everything due up to mesh time `t`.
    func advance(to t: Double)
    /// The same, but at most about `maxEvents` of work, so that the driver can act on commands
    /// between slices; `now` tells how far it got.
    func advance(to t: Double, maxEvents: Int)
    /// Moves to mesh time `t`, or says why it cannot. The work of getting there may be left to
    /// the next `advance(to:maxEvents:)` calls (`now` shows it); events of a past that is
    /// played again are not repeated.
    func seek(to t: Double) -> String?
    /// An operator's action: nil once applied, or why it was refused.
    func operate(_ command: OperatorCommand) -> OperatorError?
    /// A registration, deregistration or TTL check report: nil once applied, or why not.
    func registry(_ command: RegistryCommand) -> OperatorError?
}

extension Playback {
    /// A live mesh's step is bounded already.
    public func advance(to t: Double, maxEvents: Int) { advance(to: t) }
}

extension Playback {
    public var stopReason: String? { nil }
}
