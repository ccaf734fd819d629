/// Where the mesh on screen comes from and how time moves for it: the engine's side of the header.
public struct SessionStatus: Sendable, Equatable {
    public enum Mode: String, Sendable, CaseIterable {
        /// `mesh-top run`: real sockets, wall-clock time. History cannot be paused or sought.
        case live
        /// `mesh-top demo`: simulated endpoints on a virtual clock.
        case demo
        /// `mesh-top replay`: a recording played back. What happened cannot be changed.
        case replay

        public var label: String { rawValue.uppercased() }
    }

    public var mode: Mode
    /// Mesh seconds per wall second; `.infinity` for `--speed max`.
    public var speed: Double
    public var paused: Bool
    /// Scenario, recording or config file name.
    public var source: String
    /// Length of the scenario or recording, when known: the header shows progress against it.
    public var duration: Double?
    /// The scenario or recording has played to its end.
    public var finished: Bool
    /// The engine's answer to the operator's last command when it refused it (e.g. "cannot
    /// drain web/web-1: it is killed"), for the footer.
    public var message: String?
    /// Counts the engine's messages, so the same refusal twice is shown twice.
    public var messageID: Int = 0

    public init(mode: Mode, speed: Double = 1, paused: Bool = false, source: String = "",
                duration: Double? = nil, finished: Bool = false) {
        self.mode = mode; self.speed = speed; self.paused = paused; self.source = source
        self.duration = duration; self.finished = finished
    }
}
