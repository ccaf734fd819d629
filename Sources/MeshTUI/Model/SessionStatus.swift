public import MeshCore

/// Where the mesh on screen comes from and how time moves for it: the engine's side of the header.
public struct SessionStatus: Sendable, Equatable {
    public var mode: SessionMode
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

    public init(mode: SessionMode, speed: Double = 1, paused: Bool = false, source: String = "",
                duration: Double? = nil, finished: Bool = false) {
        self.mode = mode; self.speed = speed; self.paused = paused; self.source = source
        self.duration = duration; self.finished = finished
    }

    /// A session's snapshot as the header shows it (its source is the mesh's name: the
    /// scenario's, the recording's or the config file's).
    public init(_ snapshot: SessionSnapshot) {
        self.init(mode: snapshot.mode, speed: snapshot.speed ?? .infinity, paused: snapshot.paused,
                  source: snapshot.state.name, duration: snapshot.end, finished: snapshot.finished)
        message = snapshot.message
        messageID = snapshot.messageID
    }
}
