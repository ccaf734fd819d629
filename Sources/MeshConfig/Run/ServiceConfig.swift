public import MeshCore

/// The wire protocol a service's listener speaks.
public enum ServiceProtocol: String, Sendable, Equatable, CaseIterable {
    case http, tcp
}

/// One service of mesh.yaml: its listener, its endpoints and its policy.
public struct ServiceConfig: Sendable, Equatable {
    public var name: String
    /// The data plane's listener; nil for a service that is only registered and checked.
    public var listen: HostPort?
    public var `protocol`: ServiceProtocol
    /// Static endpoints, in file order.
    public var endpoints: [EndpointConfig]
    /// True when the file gives no `endpoints:`: the service takes its endpoints from registrations.
    public var fromRegistrations: Bool
    public var policy: ServicePolicy
    /// The HTTP listener's size limits and upstream idle timeout.
    public var limits: ProxyLimits
    /// One line per request or connection, when set.
    public var accessLog: AccessLogConfig?
    /// The listener terminates TLS (`tls:`).
    public var tls: ListenerTLSConfig?
    /// Connections to endpoints (and their checks) speak TLS (`upstream_tls:`; `tls: auto`
    /// implies `upstream_tls: auto` unless it is given).
    public var upstreamTLS: UpstreamTLSConfig?

    public init(name: String, listen: HostPort? = nil, protocol: ServiceProtocol = .http,
                endpoints: [EndpointConfig] = [], fromRegistrations: Bool = false,
                policy: ServicePolicy = ServicePolicy(), limits: ProxyLimits = ProxyLimits(), accessLog: AccessLogConfig? = nil,
                tls: ListenerTLSConfig? = nil, upstreamTLS: UpstreamTLSConfig? = nil) {
        self.name = name; self.listen = listen; self.protocol = `protocol`; self.endpoints = endpoints
        self.fromRegistrations = fromRegistrations; self.policy = policy; self.limits = limits; self.accessLog = accessLog
        self.tls = tls; self.upstreamTLS = upstreamTLS
    }

    /// Whether anything of this service uses the built-in CA.
    public var usesBuiltInCA: Bool { tls == .auto || upstreamTLS == .auto }

    /// The registry's view of this service, endpoints in state `unknown`.
    public var service: Service {
        Service(name: name, balancer: policy.balancer, zones: policy.zones, listen: listen?.description,
                proto: `protocol`.rawValue, endpoints: endpoints.map(\.endpoint))
    }
}

extension ServiceConfig {
    static let keys = ["name", "listen", "protocol", "endpoints"] + PolicyReader.keys + ["limits", "access_log", "tls", "upstream_tls"]

    init(_ field: Field) throws(ConfigError) {
        let map = try field.object(Self.keys)
        name = try map.required("name").name()
        listen = try map["listen"]?.address()
        `protocol` = .http
        if let f = map["protocol"] {
            let text = try f.string()
            guard let p = ServiceProtocol(rawValue: text) else {
                throw f.error("unknown protocol '\(text)' (expected http or tcp)")
            }
            `protocol` = p
        }
        limits = ProxyLimits()
        if let f = map["limits"] {
            guard `protocol` == .http else { throw f.error("limits is only used by protocol http") }
            limits = try ProxyLimits(f)
        }
        if let f = map["access_log"] {
            guard listen != nil else { throw f.error("access_log needs listen: (it logs what the listener proxies)") }
            accessLog = try AccessLogConfig(f)
        }
        tls = try map["tls"].map { f throws(ConfigError) in
            guard map["listen"] != nil else { throw f.error("tls is for the listener: this service has no listen:") }
            return try ListenerTLSConfig(f)
        }
        upstreamTLS = try map["upstream_tls"].map(UpstreamTLSConfig.init) ?? (tls == .auto ? .auto : nil)
        // A TCP service is checked by connecting unless told otherwise.
        policy = try PolicyReader.policy(map, defaultCheck: `protocol` == .tcp ? .tcp : .http, http: `protocol` == .http)
        endpoints = []
        fromRegistrations = map["endpoints"] == nil
        var ids = UniqueNames("endpoint id", scope: " in service \(name)")
        for item in try map["endpoints"]?.list() ?? [] {
            let e = try item.object(EndpointBasics.keys + ["address", "command"])
            let basics = try EndpointBasics(e, zones: policy.zones)
            try ids.insert(basics.id, at: basics.idField)
            let address = try e.required("address", "leave endpoints: out to take them from registrations").address()
            let command = try e["command"]?.text()
            endpoints.append(EndpointConfig(id: basics.id, address: address, zone: basics.zone, weight: basics.weight,
                                            tags: basics.tags, metadata: basics.metadata, command: command))
        }
    }
}
