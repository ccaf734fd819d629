import Foundation
import MeshCore

extension Scenario {
    /// How `mesh-top demo mesh.yaml` simulates a run config's endpoints, which say where they
    /// are but not how they answer. Every endpoint gets the same model.
    public struct Simulation: Sendable, Equatable {
        /// Median and 99th-percentile latency, seconds.
        public var p50 = SimulatedEndpointConfig.defaultP50
        public var p99 = SimulatedEndpointConfig.defaultP99
        /// Requests per second each endpoint serves before requests queue.
        public var capacity = 500.0
        /// Requests per second each service gets; nil: 40% of the capacity of the endpoints that
        /// take its traffic while all is well (its preferred zone's, or all of them): a mesh with
        /// headroom, where a lost endpoint or zone shows.
        public var rps: Double?

        public init() {}

        public static let defaultShareOfCapacity = 0.4
    }

    /// A scenario with a run config's shape: its services, their policies (balancer, health,
    /// outlier, zones, slow start...) and endpoints (ids, zones, weights), answering as
    /// `simulation` says, with steady traffic, the config's alerts and no timeline. Services
    /// fed by registrations start empty, as in `run`.
    public init(simulating config: MeshConfig, file: String, simulation: Simulation = Simulation()) {
        let stem = ((file as NSString).lastPathComponent as NSString).deletingPathExtension
        let services = config.services.map { service in
            ScenarioService(name: service.name, endpoints: service.endpoints.map { e in
                SimulatedEndpointConfig(id: e.id, zone: e.zone, weight: e.weight, tags: e.tags, metadata: e.metadata,
                                        p50: simulation.p50, p99: simulation.p99, capacity: simulation.capacity)
            }, policy: service.policy)
        }
        let traffic = services.compactMap { service -> TrafficConfig? in
            let serving = service.endpoints.filter { service.policy.zones.isEmpty || $0.zone == service.policy.zones[0] }.count
            let rps = simulation.rps ?? simulation.capacity * Simulation.defaultShareOfCapacity * Double(serving)
            return rps > 0 ? TrafficConfig(service: service.name, rps: rps) : nil
        }
        let endpoints = services.reduce(0) { $0 + $1.endpoints.count }
        let description = "\(file) simulated: \(services.count) services, \(endpoints) endpoints at p50 "
            + "\(MeshDuration.format(simulation.p50)), p99 \(MeshDuration.format(simulation.p99)), \(Int(simulation.capacity)) rps each"
        self.init(name: stem, description: description, services: services, traffic: traffic,
                  alerts: config.alerts, notify: config.notify)
    }
}
