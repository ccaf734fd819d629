public import MeshCore

/// Replay mode: a recording's events through the reducer. History is read-only.
public final class ReplayPlayback: Playback {
    public private(set) var cursor: ReplayCursor
    public let onEvent: (MeshEvent) -> Void

    public init(recording: Recording, onEvent: @escaping (MeshEvent) -> Void = { _ in }) {
        cursor = recording.cursor
        self.onEvent = onEvent
    }

    public var mode: String { "REPLAY" }
    public var now: Double { cursor.state.time }
    public var state: MeshState { cursor.state }
    public var end: Double? { cursor.duration }

    public func advance(to t: Double) {
        for i in cursor.advance(to: min(t, cursor.duration)) { onEvent(cursor.events[i]) }
    }

    public func seek(to t: Double) -> String? {
        cursor.seek(to: min(max(0, t), cursor.duration))
        return nil
    }

    public func registry(_ command: RegistryCommand) -> OperatorError? {
        .readOnly("replay is read-only: registrations would change history")
    }

    public func operate(_ command: OperatorCommand) -> OperatorError? {
        .readOnly("replay is read-only: \(command.action.rawValue) would change history")
    }
}
