import MeshCore

/// Reads `timeline:` and checks that every target names something the scenario has.
struct TimelineReader {
    /// Endpoint ids per service, growing as `register` steps are read.
    var endpoints: [String: Set<String>]
    /// All of them, against `ConfigLimits.endpoints`.
    var endpointCount: Int
    let zones: Set<String>
    /// Each service's `zones:`, which registered endpoints must use.
    let zonesByService: [String: [String]]
    let duration: Double?

    init(services: [ScenarioService], duration: Double?) {
        endpoints = Dictionary(uniqueKeysWithValues: services.map { ($0.name, Set($0.endpoints.map(\.id))) })
        endpointCount = services.reduce(0) { $0 + $1.endpoints.count }
        var zones = Set<String>()
        for s in services { zones.formUnion(s.policy.zones); zones.formUnion(s.endpoints.map(\.zone).filter { !$0.isEmpty }) }
        self.zones = zones
        zonesByService = Dictionary(uniqueKeysWithValues: services.map { ($0.name, $0.policy.zones) })
        self.duration = duration
    }

    private static let parameters = ["add", "rate", "weight", "endpoint"]

    /// Steps in time order (file order among equal times): a target may name an endpoint an
    /// earlier `register` step adds.
    mutating func read(_ field: Field) throws(ConfigError) -> [TimelineStep] {
        var items: [(at: Double, map: FieldMap, item: Field)] = []
        for item in try field.list() {
            let map = try item.object(["at", "action", "target"] + Self.parameters)
            let atField = try map.required("at")
            let at = try atField.duration(in: ConfigLimits.meshTime)
            if let duration, at > duration {
                throw atField.error("at \(MeshDuration.format(at)) is after the scenario's duration \(MeshDuration.format(duration))")
            }
            items.append((at, map, item))
        }
        var steps: [TimelineStep] = []
        for (at, map, _) in items.enumerated().sorted(by: { ($0.element.at, $0.offset) < ($1.element.at, $1.offset) }).map(\.element) {
            steps.append(try step(at: at, map))
        }
        return steps
    }

    private mutating func step(at: Double, _ map: FieldMap) throws(ConfigError) -> TimelineStep {
        let actionField = try map.required("action")
        let name = try actionField.string()
        guard TimelineStep.Action.names.contains(name) else {
            let near = KeySuggestion.closest(to: name, in: TimelineStep.Action.names).map { " (did you mean '\($0)'?)" } ?? ""
            throw actionField.error("unknown action '\(name)'\(near) (expected \(TimelineStep.Action.names.joined(separator: ", ")))")
        }
        let targetField = try map.required("target")
        let text = try targetField.string()
        guard let target = TimelineStep.Target(text) else {
            throw targetField.error("bad target '\(text)' (expected SERVICE/ENDPOINT, zone:NAME or SERVICE)")
        }
        let action: TimelineStep.Action
        var used: String?
        switch name {
        case "latency":
            let add = try map.required("add", "how much latency to add, e.g. 250ms")
            action = .latency(add: try add.duration(in: ConfigLimits.addedLatency)); used = "add"
        case "errors":
            action = .errors(rate: try map.required("rate", "the fraction of requests to fail, e.g. 0.2").fraction()); used = "rate"
        case "weight":
            let f = try map.required("weight", "the new weight")
            let w = try f.int()
            guard Endpoint.weightRange.contains(w) else {
                throw f.error("weight \(w) is outside \(Endpoint.weightRange.lowerBound)...\(Endpoint.weightRange.upperBound)")
            }
            action = .weight(w); used = "weight"
        case "register":
            guard case .service(let service) = target else {
                throw targetField.error("register needs a service as its target, not \(text)")
            }
            try check(target, targetField)
            let f = try map.required("endpoint", "the endpoint that registers, e.g. {id: web-4, zone: a}")
            let zones = zonesByService[service] ?? []
            let (endpoint, idField) = try SimulatedEndpointConfig.read(f, zones: zones)
            guard endpoints[service]?.contains(endpoint.id) != true else {
                throw idField.error("endpoint '\(endpoint.id)' already exists in service \(service)")
            }
            endpointCount += 1
            guard endpointCount <= ConfigLimits.endpoints else {
                throw f.error("registers more than \(ConfigLimits.endpoints) endpoints in this scenario (the most mesh-top runs)")
            }
            endpoints[service, default: []].insert(endpoint.id)
            action = .register(endpoint); used = "endpoint"
        case "deregister":
            guard case .endpoint = target else {
                throw targetField.error("deregister needs SERVICE/ENDPOINT as its target, not \(text)")
            }
            action = .deregister
        default:
            action = [
                "crash": .crash, "recover": .recover, "partition": .partition,
                "drain": .drain, "kill": .kill, "restore": .restore,
            ][name]!
        }
        for key in Self.parameters where key != used {
            try map.refuse(key, because: "\(key) is not used by action \(name)")
        }
        if name != "register" { try check(target, targetField) }
        return TimelineStep(at: at, action: action, target: target)
    }

    private func check(_ target: TimelineStep.Target, _ field: Field) throws(ConfigError) {
        switch target {
        case .service(let s):
            guard endpoints[s] != nil else { throw field.error("target '\(s)' names no service of this scenario") }
        case .endpoint(let ref):
            guard let ids = endpoints[ref.service] else {
                throw field.error("target '\(ref)' names no service '\(ref.service)' in this scenario")
            }
            guard ids.contains(ref.endpoint) else {
                throw field.error("target '\(ref)' names no endpoint of service \(ref.service)")
            }
        case .zone(let z):
            guard zones.contains(z) else {
                throw field.error("target 'zone:\(z)' names no zone of this scenario (zones: \(zones.sorted().joined(separator: ", ")))")
            }
        }
    }
}
