import Foundation
public import MeshCore

/// A demo scenario: simulated services, the traffic they get, and a timeline of faults and
/// operator actions, all on a virtual clock.
public struct Scenario: Sendable, Equatable {
    public static let defaultSeed: UInt64 = 1

    public var name: String
    /// One line shown in the header; empty when not given.
    public var description: String
    public var seed: UInt64
    /// Seconds of mesh time the scenario runs; nil: until stopped.
    public var duration: Double?
    public var services: [ScenarioService]
    public var traffic: [TrafficConfig]
    /// In time order.
    public var timeline: [TimelineStep]
    /// `AlertRule.defaults` when the file has no `alerts:`.
    public var alerts: [AlertRule]
    public var notify: [NotifyTarget]

    public init(name: String, description: String = "", seed: UInt64 = Scenario.defaultSeed, duration: Double? = nil,
                services: [ScenarioService] = [], traffic: [TrafficConfig] = [], timeline: [TimelineStep] = [],
                alerts: [AlertRule] = AlertRule.defaults, notify: [NotifyTarget] = []) {
        self.name = name; self.description = description; self.seed = seed; self.duration = duration
        self.services = services; self.traffic = traffic; self.timeline = timeline
        self.alerts = alerts; self.notify = notify
    }

    public func service(_ name: String) -> ScenarioService? { services.first { $0.name == name } }

    public var endpointCount: Int { services.reduce(0) { $0 + $1.endpoints.count } }

    /// Reads and checks a scenario file; the error names the file as `path` is written.
    public static func load(path: String) throws(ConfigError) -> Scenario {
        try parse(yaml: try YAMLSource.read(path: path), file: path)
    }

    /// Parses and checks scenario text. Without `name:` the scenario is named after the file.
    public static func parse(yaml: String, file: String = "scenario.yaml") throws(ConfigError) -> Scenario {
        let root = try YAMLSource.root(yaml: yaml, file: file)
        let map = try root.object(["name", "description", "seed", "duration", "services", "traffic", "timeline",
                                   "alerts", "notify"])
        let stem = ((file as NSString).lastPathComponent as NSString).deletingPathExtension
        var scenario = Scenario(name: try map["name"]?.text() ?? stem)
        scenario.description = try map["description"]?.string() ?? ""
        if let f = map["seed"] { scenario.seed = UInt64(try f.int(in: ConfigLimits.seed, "seed")) }
        if let f = map["duration"] { scenario.duration = try f.duration(in: ConfigLimits.scenarioDuration) }
        var names = UniqueNames("service name")
        var sizes = FileSize()
        for item in try map.required("services").list() {
            let service = try ScenarioService(item)
            try sizes.add(service: item, endpoints: service.endpoints.count)
            try names.insert(service.name, at: item.lookup("name") ?? item)
            scenario.services.append(service)
        }
        let serviceNames = Set(scenario.services.map(\.name))
        var offered = 0.0
        for item in try map["traffic"]?.list() ?? [] {
            let traffic = try TrafficConfig(item, services: serviceNames)
            // Each entry is within range, so the sum is finite.
            offered += traffic.peakRPS
            guard offered <= ConfigLimits.rps.upperBound else {
                throw item.error("traffic adds up to \(Field.show(offered)) requests per second at its peaks; "
                    + "the simulator runs at most \(Field.show(ConfigLimits.rps.upperBound))")
            }
            scenario.traffic.append(traffic)
        }
        if let f = map["timeline"] {
            var reader = TimelineReader(services: scenario.services, duration: scenario.duration)
            scenario.timeline = try reader.read(f)
        }
        scenario.alerts = try AlertReader.alerts(map["alerts"], services: serviceNames)
        scenario.notify = try AlertReader.notify(map["notify"])
        return scenario
    }
}
