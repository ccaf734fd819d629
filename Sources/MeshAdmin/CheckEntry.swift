import MeshCore

/// One check as Consul's agent and health routes show it (`api.HealthCheck`, `structs.HealthCheck`).
struct CheckEntry: Encodable, Sendable {
    /// How the check runs (`api.HealthCheckDefinition`); durations as Go writes them.
    struct Definition: Encodable, Sendable {
        var http: String?
        var tcp: String?
        var interval: String?
        var timeout: String?
        var ttl: String?
        var deregisterCriticalServiceAfter: String?
        enum CodingKeys: String, CodingKey {
            case http = "HTTP", tcp = "TCP", interval = "Interval", timeout = "Timeout", ttl = "TTL"
            case deregisterCriticalServiceAfter = "DeregisterCriticalServiceAfter"
        }
    }

    var node: String
    var checkID: String
    var name: String
    var status: String
    var notes = ""
    var output = ""
    var serviceID: String
    var serviceName: String
    var serviceTags: [String]
    var type = ""
    var interval = ""
    var timeout = ""
    var exposedPort = 0
    var definition = Definition()

    enum CodingKeys: String, CodingKey {
        case node = "Node", checkID = "CheckID", name = "Name", status = "Status", notes = "Notes", output = "Output"
        case serviceID = "ServiceID", serviceName = "ServiceName", serviceTags = "ServiceTags", type = "Type"
        case interval = "Interval", timeout = "Timeout", exposedPort = "ExposedPort", definition = "Definition"
    }

    /// A registration's own check.
    init(_ check: ServiceCheck, node: String, id: String, service: String, tags: [String]) {
        self.node = node
        checkID = check.id
        name = check.name
        status = check.status.rawValue
        notes = check.notes
        output = check.output
        serviceID = id
        serviceName = service
        serviceTags = tags
        type = check.kind.rawValue
        let after = check.deregisterCriticalAfter.map(GoDuration.format)
        switch check.kind {
        case .ttl:
            definition = Definition(ttl: GoDuration.format(check.ttl), deregisterCriticalServiceAfter: after)
        case .http, .tcp:
            interval = GoDuration.format(check.interval)
            timeout = GoDuration.format(check.timeout)
            definition = Definition(http: check.kind == .http ? check.target : nil, tcp: check.kind == .tcp ? check.target : nil,
                                    interval: interval, timeout: timeout, deregisterCriticalServiceAfter: after)
        }
    }

    init(node: String, checkID: String, name: String, status: String, notes: String = "", output: String,
         serviceID: String, serviceName: String, serviceTags: [String]) {
        self.node = node; self.checkID = checkID; self.name = name; self.status = status; self.notes = notes
        self.output = output; self.serviceID = serviceID; self.serviceName = serviceName; self.serviceTags = serviceTags
    }
}
