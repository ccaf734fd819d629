public import MeshCore

/// One step of a scenario's timeline, resolved against the mesh before the run starts.
public struct SimAction: Sendable, Equatable {
    public enum Target: Sendable, Equatable, CustomStringConvertible {
        case endpoint(EndpointRef)
        case zone(String)
        case service(String)

        public var description: String {
            switch self {
            case .endpoint(let ref): ref.description
            case .zone(let zone): "zone:\(zone)"
            case .service(let name): name
            }
        }
    }

    public enum Kind: Sendable, Equatable {
        case crash, recover, partition
        case latency(add: Double)
        case errors(rate: Double)
        case drain, kill, restore
        case weight(Int)
        case register(Endpoint, SimEndpoint)
        case deregister
    }

    public var at: Double
    public var kind: Kind
    public var target: Target

    public init(at: Double, kind: Kind, target: Target) {
        self.at = at; self.kind = kind; self.target = target
    }
}

extension SimEndpoint: Equatable {
    public static func == (a: SimEndpoint, b: SimEndpoint) -> Bool {
        a.latency == b.latency && a.errorRate == b.errorRate && a.capacity == b.capacity && a.zone == b.zone
    }
}
