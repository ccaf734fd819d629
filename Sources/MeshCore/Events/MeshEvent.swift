/// One thing that happened in the mesh. The state is nothing but these, applied in order.
public struct MeshEvent: Sendable, Equatable {
    /// Position in the run's event sequence, from 1.
    public var seq: UInt64
    /// Mesh time, seconds since the start.
    public var t: Double
    public var body: Body

    public enum Body: Sendable, Equatable {
        case endpointState(StateChange)
        case operatorCommand(OperatorCommand)
        case failover(Failover)
        case panic(PanicChange)
        case registry(RegistryChange)
        case check(CheckChange)
        case sample(LoadSample)
        case alert(AlertChange)
        case fault(Fault)
        case instance(InstanceChange)
        case view(ViewChange)
        case node(NodeChange)
        case keyframe(MeshState)
    }

    public init(seq: UInt64, t: Double, body: Body) {
        self.seq = seq; self.t = t; self.body = body
    }

    /// The `type` field of a recording line.
    public var type: String {
        switch body {
        case .endpointState: "endpoint.state"
        case .operatorCommand: "operator"
        case .failover: "failover"
        case .panic: "panic"
        case .registry: "registry"
        case .check: "check"
        case .sample: "sample"
        case .alert: "alert"
        case .fault: "fault"
        case .instance: "instance"
        case .view: "view"
        case .node: "node"
        case .keyframe: "keyframe"
        }
    }

    /// Worth showing in the events pane (samples, keyframes and other instances' views are
    /// bookkeeping: the topology shows the views).
    public var isNotable: Bool {
        switch body {
        case .sample, .keyframe, .view: false
        default: true
        }
    }
}
