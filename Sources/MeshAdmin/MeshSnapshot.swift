public import MeshCore

/// `GET /v1/mesh`: the state's own fields, plus `session` (`live`, `demo` or `replay`), so a
/// client can tell recorded history from a mesh it can steer.
public struct MeshSnapshot: Encodable, Sendable {
    public var state: MeshState
    public var session: String

    public init(state: MeshState, session: String) { self.state = state; self.session = session }

    private enum Keys: String, CodingKey { case session }

    public func encode(to encoder: any Encoder) throws {
        try state.encode(to: encoder)
        var c = encoder.container(keyedBy: Keys.self)
        try c.encode(session, forKey: .session)
    }
}
