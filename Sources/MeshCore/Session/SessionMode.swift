/// What drives a session: the one name of its mode, for the header, the key table, `/v1/mesh`'s
/// `session` and `ctl status`.
public enum SessionMode: String, Codable, Sendable, CaseIterable, RecordedName {
    /// `mesh-top run`: real sockets, wall-clock time. History cannot be paused or sought.
    case live
    /// `mesh-top demo`: simulated endpoints on a virtual clock.
    case demo
    /// `mesh-top replay`: a recording played back. What happened cannot be changed.
    case replay

    /// How the header writes it.
    public var label: String { rawValue.uppercased() }
}
