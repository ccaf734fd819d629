/// A session as last published: the mesh, and how it is being played. Cheap to take (a copy),
/// for the dashboard's every redraw and the admin API's every read.
public struct SessionSnapshot: Sendable {
    public var state: MeshState
    public var mode: SessionMode
    /// Mesh seconds per wall second; nil: as fast as possible (`--speed max`).
    public var speed: Double?
    public var paused: Bool
    /// Mesh time at which it ends (a scenario's or recording's length, `--duration`), if it does.
    public var end: Double?
    /// It has played to its end.
    public var finished: Bool
    /// The answer to the last command when it was a refusal, for the dashboard's footer.
    public var message: String?
    /// Counts messages, so that the same refusal twice shows twice.
    public var messageID: Int

    public init(state: MeshState, mode: SessionMode, speed: Double?, paused: Bool = false, end: Double? = nil,
                finished: Bool = false, message: String? = nil, messageID: Int = 0) {
        self.state = state; self.mode = mode; self.speed = speed; self.paused = paused; self.end = end
        self.finished = finished; self.message = message; self.messageID = messageID
    }
}
