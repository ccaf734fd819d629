public import MeshCore

/// An endpoint of a scenario: no address, but how it answers simulated requests.
public struct SimulatedEndpointConfig: Sendable, Equatable {
    public static let defaultP50 = 0.020
    public static let defaultP99 = 0.080

    public var id: String
    public var zone: String
    public var weight: Int
    public var tags: [String]
    public var metadata: [String: String]
    /// Median latency in seconds.
    public var p50: Double
    /// 99th-percentile latency in seconds, ≥ `p50`.
    public var p99: Double
    /// Fraction of requests that fail, 0...1.
    public var errorRate: Double
    /// Requests per second served before requests queue; nil: unlimited.
    public var capacity: Double?

    public init(id: String, zone: String = "", weight: Int = Endpoint.defaultWeight, tags: [String] = [],
                metadata: [String: String] = [:], p50: Double = SimulatedEndpointConfig.defaultP50,
                p99: Double = SimulatedEndpointConfig.defaultP99, errorRate: Double = 0, capacity: Double? = nil) {
        self.id = id; self.zone = zone; self.weight = weight; self.tags = tags; self.metadata = metadata
        self.p50 = p50; self.p99 = p99; self.errorRate = errorRate; self.capacity = capacity
    }

    /// The registry's view of this endpoint, in state `unknown`.
    public var endpoint: Endpoint {
        Endpoint(id: id, zone: zone, weight: weight, tags: tags, metadata: metadata)
    }
}

extension SimulatedEndpointConfig {
    static let keys = EndpointBasics.keys + ["latency", "error_rate", "capacity"]

    /// Reads one endpoint mapping; returns where its id is written too, for duplicate checks.
    static func read(_ field: Field, zones: [String]) throws(ConfigError) -> (SimulatedEndpointConfig, Field) {
        let map = try field.object(keys)
        let basics = try EndpointBasics(map, zones: zones)
        var e = SimulatedEndpointConfig(id: basics.id, zone: basics.zone, weight: basics.weight,
                                        tags: basics.tags, metadata: basics.metadata)
        if let f = map["latency"] {
            let latency = try f.object(["p50", "p99"])
            let p50 = try latency["p50"]?.duration(in: ConfigLimits.latency)
            let p99 = try latency["p99"]?.duration(in: ConfigLimits.latency)
            // One percentile alone implies the other at the default spread (p99 = 4 × p50).
            e.p50 = p50 ?? (p99.map { $0 / 4 } ?? defaultP50)
            e.p99 = p99 ?? (p50.map { $0 * 4 } ?? defaultP99)
            if let f99 = latency["p99"], e.p99 < e.p50 {
                throw f99.error("p99 \(MeshDuration.format(e.p99)) is below p50 \(MeshDuration.format(e.p50))")
            }
        }
        if let f = map["error_rate"] { e.errorRate = try f.fraction() }
        if let f = map["capacity"] {
            e.capacity = try f.number(in: ConfigLimits.capacity, "capacity (requests per second)")
        }
        return (e, basics.idField)
    }
}
