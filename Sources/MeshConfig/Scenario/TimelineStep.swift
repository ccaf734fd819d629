public import MeshCore

/// One scripted event of a scenario: at mesh time `at`, do `action` to `target`.
public struct TimelineStep: Sendable, Equatable {
    /// What happens, with the parameters each action needs.
    public enum Action: Sendable, Equatable {
        /// The target stops answering (connections refused); health checks fail.
        case crash
        /// Undo crash, latency, errors and partition on the target.
        case recover
        /// Add this many seconds to every response (`add:`).
        case latency(add: Double)
        /// Fail this fraction of requests (`rate:`, 0...1).
        case errors(rate: Double)
        /// The target is unreachable: requests and checks time out instead of being refused.
        case partition
        /// Operator actions, as from the keyboard.
        case drain, kill, restore
        /// Operator re-weight (`weight:`).
        case weight(Int)
        /// A new endpoint registers with the target service (`endpoint:`).
        case register(SimulatedEndpointConfig)
        /// The target endpoint deregisters.
        case deregister

        /// The `action:` word.
        public var name: String {
            switch self {
            case .crash: "crash"
            case .recover: "recover"
            case .latency: "latency"
            case .errors: "errors"
            case .partition: "partition"
            case .drain: "drain"
            case .kill: "kill"
            case .restore: "restore"
            case .weight: "weight"
            case .register: "register"
            case .deregister: "deregister"
            }
        }

        public static let names = ["crash", "recover", "latency", "errors", "partition", "drain", "kill",
                                   "restore", "weight", "register", "deregister"]
    }

    /// What a step acts on: `SERVICE/ENDPOINT`, `zone:NAME` or `SERVICE`.
    public enum Target: Sendable, Equatable, CustomStringConvertible {
        case endpoint(EndpointRef)
        case zone(String)
        case service(String)

        /// Parses the target syntax (not whether it exists).
        public init?(_ text: String) {
            if text.hasPrefix("zone:") {
                let zone = String(text.dropFirst(5))
                guard !zone.isEmpty else { return nil }
                self = .zone(zone)
            } else if text.contains("/") {
                guard let ref = EndpointRef(text) else { return nil }
                self = .endpoint(ref)
            } else {
                guard !text.isEmpty, !text.contains(":") else { return nil }
                self = .service(text)
            }
        }

        public var description: String {
            switch self {
            case .endpoint(let ref): ref.description
            case .zone(let zone): "zone:\(zone)"
            case .service(let name): name
            }
        }
    }

    /// Mesh time in seconds.
    public var at: Double
    public var action: Action
    public var target: Target

    public init(at: Double, action: Action, target: Target) {
        self.at = at; self.action = action; self.target = target
    }

    /// The `fault` event this step is recorded as.
    public var fault: Fault {
        let detail: String = switch action {
        case .latency(let add): "+\(MeshDuration.format(add))"
        case .errors(let rate): "\(rate * 100)%"
        case .weight(let w): "\(w)"
        case .register(let e): e.id
        default: ""
        }
        return Fault(action: action.name, target: target.description, detail: detail)
    }
}
