public import MeshCore

/// `GET /v1/mesh`: the state's own fields, plus `session` (`live`, `demo` or `replay`), so a
/// client can tell recorded history from a mesh it can steer.
public struct MeshSnapshot: Encodable, Sendable {
    public var state: MeshState
    public var session: SessionMode

    public init(state: MeshState, session: SessionMode) { self.state = state; self.session = session }

    init(_ snapshot: SessionSnapshot) { self.init(state: snapshot.state, session: snapshot.mode) }

    private enum Keys: String, CodingKey { case session }

    public func encode(to encoder: any Encoder) throws {
        try state.encode(to: encoder)
        var c = encoder.container(keyedBy: Keys.self)
        try c.encode(session, forKey: .session)
    }
}
