public import MeshCore

/// Replay mode: a recording's events through `MeshState.apply`. History is read-only.
public final class ReplayPlayback: Playback {
    public private(set) var cursor: ReplayCursor
    public let onEvent: (MeshEvent) -> Void
    /// After a seek: events up to here are played again silently, not passed on a second time.
    private var quietUntil: Double?

    public init(recording: Recording, onEvent: @escaping (MeshEvent) -> Void = { _ in }) {
        cursor = recording.cursor
        self.onEvent = onEvent
    }

    public var mode: SessionMode { .replay }
    public var now: Double { cursor.state.time }
    public var state: MeshState { cursor.state }
    public var end: Double? { cursor.duration }

    public func advance(to t: Double) { advance(to: t, maxEvents: .max) }

    public func advance(to t: Double, maxEvents: Int) {
        var budget = maxEvents
        if let until = quietUntil {
            budget -= cursor.advance(to: min(t, until), maxEvents: budget).count
            guard now >= until else { return }
            quietUntil = nil
        }
        for i in cursor.advance(to: min(t, cursor.duration), maxEvents: budget) { onEvent(cursor.events[i]) }
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
