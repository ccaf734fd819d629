public import MeshCore

/// Replay mode: a recording's events through `MeshState.apply`. History is read-only.
public final class ReplayPlayback: Playback {
    public private(set) var cursor: ReplayCursor
    public let onEvent: (MeshEvent) -> Void
    /// After a seek: events up to here are played again silently, not passed on a second time.
    private var quietUntil: Double?

    public convenience init(recording: Recording, onEvent: @escaping (MeshEvent) -> Void = { _ in }) {
        self.init(cursor: recording.cursor, onEvent: onEvent)
    }

    /// A recording opened lazily: spans are read as play or a seek reaches them.
    public convenience init(file: RecordingFile, onEvent: @escaping (MeshEvent) -> Void = { _ in }) {
        self.init(cursor: ReplayCursor(initial: file.header.mesh, source: file), onEvent: onEvent)
    }

    public init(cursor: ReplayCursor, onEvent: @escaping (MeshEvent) -> Void) {
        self.cursor = cursor
        self.onEvent = onEvent
    }

    /// Why play stopped before the end (the file changed or was damaged after it was opened).
    public var failure: (any Error)? { cursor.failure }

    public var stopReason: String? { cursor.failure.map { "\($0)" } }

    public var mode: SessionMode { .replay }
    public var now: Double { cursor.state.time }
    public var state: MeshState { cursor.state }
    /// The recording's last event, or where play stopped on a failure.
    public var end: Double? { cursor.failure == nil ? cursor.duration : now }

    public func advance(to t: Double) { advance(to: t, maxEvents: .max) }

    public func advance(to t: Double, maxEvents: Int) {
        var budget = maxEvents
        if let until = quietUntil {
            budget -= cursor.advance(to: min(t, until), maxEvents: budget)
            guard now >= until else { return }
            quietUntil = nil
        }
        cursor.advance(to: min(t, cursor.duration), maxEvents: budget, each: onEvent)
    }

    /// To the nearest keyframe at once; the events from there to `t` are applied by `advance`.
    public func seek(to t: Double) -> String? {
        let target = min(max(0, t), cursor.duration)
        cursor.rewind(toward: target)
        if now < target { quietUntil = target }
        return nil
    }

    public func registry(_ command: RegistryCommand) -> OperatorError? {
        .readOnly("replay is read-only: registrations would change history")
    }

    public func operate(_ command: OperatorCommand) -> OperatorError? {
        .readOnly("replay is read-only: \(command.action.rawValue) would change history")
    }
}
