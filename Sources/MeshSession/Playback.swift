public import MeshCore

/// Where a session's events come from: a simulation, a recording, or (later) live sockets.
/// The runner paces it; the dashboard and the headless printer only see its state.
public protocol Playback: AnyObject {
    /// `DEMO`, `REPLAY`, `LIVE`.
    var mode: String { get }
    var now: Double { get }
    var state: MeshState { get }
    /// Mesh time at which it ends, if it does.
    var end: Double? { get }
    /// Runs everything due up to mesh time `t`.
    func advance(to t: Double)
    /// Jumps to mesh time `t`, or says why it cannot.
    func seek(to t: Double) -> String?
    /// An operator's action: nil once applied, or why it was refused.
    func operate(_ command: OperatorCommand) -> OperatorError?
    /// A registration, deregistration or TTL check report: nil once applied, or why not.
    func registry(_ command: RegistryCommand) -> OperatorError?
}
