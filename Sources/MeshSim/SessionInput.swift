public import MeshCore

/// Something the operator (keyboard, admin API) or a registering program did to a demo, with
/// the mesh time it took effect. A demo's history is its scenario plus these, so a seek that
/// runs the simulation again applies them again at the same instants and shows the same
/// history the operator made.
public struct SessionInput: Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        case operate(OperatorCommand)
        case registry(RegistryCommand)
    }

    /// Mesh seconds.
    public var t: Double
    public var kind: Kind

    public init(t: Double, kind: Kind) { self.t = t; self.kind = kind }
}
