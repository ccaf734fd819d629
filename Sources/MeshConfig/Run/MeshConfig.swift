public import Foundation
public import MeshCore

/// A run configuration (`mesh.yaml`): the admin API, the services with their listeners and
/// endpoints, and the alert rules.
public struct MeshConfig: Sendable, Equatable {
    public static let defaultAdmin = HostPort(host: "127.0.0.1", port: 9901)
    /// The environment variable that supplies the token when the file does not.
    public static let tokenVariable = "MESH_TOP_TOKEN"

    /// Admin API, Consul-compatible API and `/metrics`.
    public var admin: HostPort
    /// The admin API serves HTTPS (`admin: {listen, tls}`); client certificates when `client_ca` is set.
    public var adminTLS: ListenerTLSConfig?
    /// `admin: {insecure: true}`: an address other machines reach may go without TLS and token.
    public var adminInsecure = false
    /// As written in the file; see `effectiveToken(environment:)`.
    public var token: String?
    public var services: [ServiceConfig]
    /// `AlertRule.defaults` when the file has no `alerts:`.
    public var alerts: [AlertRule]
    public var notify: [NotifyTarget]
    /// The file it was read from, as given: relative paths in it and the built-in CA's folder
    /// (`mesh-top-ca`) are beside it.
    public var file = "mesh.yaml"

    public init(admin: HostPort = MeshConfig.defaultAdmin, token: String? = nil, services: [ServiceConfig] = [],
                alerts: [AlertRule] = AlertRule.defaults, notify: [NotifyTarget] = []) {
        self.admin = admin; self.token = token; self.services = services; self.alerts = alerts; self.notify = notify
    }

    /// The token mutating API calls need: the file's, else `MESH_TOP_TOKEN`, else none.
    public func effectiveToken(environment: [String: String] = ProcessInfo.processInfo.environment) -> String? {
        if let token { return token }
        if let env = environment[Self.tokenVariable], !env.isEmpty { return env }
        return nil
    }

    /// Whether anything uses the built-in CA (a service's or the admin API's `tls: auto`).
    public var usesBuiltInCA: Bool { adminTLS == .auto || services.contains(where: \.usesBuiltInCA) }

    /// `admin: HOST:PORT`, or `admin: {listen: HOST:PORT, tls: ..., insecure: true}`.
    private mutating func readAdmin(_ f: Field) throws(ConfigError) {
        if f.isScalar {
            admin = try f.address()
            return
        }
        let map = try f.object(["listen", "tls", "insecure"])
        admin = try map.required("listen").address()
        adminTLS = try map["tls"].map(ListenerTLSConfig.init)
        adminInsecure = try map["insecure"]?.bool() ?? false
    }

    public func service(_ name: String) -> ServiceConfig? { services.first { $0.name == name } }

    public var endpointCount: Int { services.reduce(0) { $0 + $1.endpoints.count } }

    /// Reads and checks a mesh.yaml; the error names the file as `path` is written.
    public static func load(path: String, environment: [String: String] = ProcessInfo.processInfo.environment) throws(ConfigError) -> MeshConfig {
        try parse(yaml: try YAMLSource.read(path: path), file: path, environment: environment)
    }

    /// Parses and checks mesh.yaml text. `environment` decides whether a non-loopback admin
    /// address without `token:` is still safe (`MESH_TOP_TOKEN` set).
    public static func parse(yaml: String, file: String = "mesh.yaml",
                             environment: [String: String] = ProcessInfo.processInfo.environment) throws(ConfigError) -> MeshConfig {
        let root = try YAMLSource.root(yaml: yaml, file: file)
        let map = try root.object(["admin", "token", "services", "alerts", "notify"])
        var config = MeshConfig()
        config.file = file
        if let f = map["token"] { config.token = try f.text() }
        if let f = map["admin"] { try config.readAdmin(f) }
        if !config.admin.isLoopback, !config.adminInsecure {
            let at = map.fields["admin"] ?? root
            if config.effectiveToken(environment: environment) == nil {
                throw at.error("admin \(config.admin) is reachable from other machines: set token: or \(tokenVariable)")
            }
            if config.adminTLS == nil {
                throw at.error("admin \(config.admin) is reachable from other machines: serve it over TLS (admin: {listen: \(config.admin), tls: {cert, key}} or tls: auto), or say insecure: true")
            }
        }
        var names = UniqueNames("service name")
        var listeners: [(HostPort, String)] = [(config.admin, "admin")]
        var sizes = FileSize()
        for item in try map.required("services").list() {
            let service = try ServiceConfig(item)
            try sizes.add(service: item, endpoints: service.endpoints.count)
            try names.insert(service.name, at: item.lookup("name") ?? item)
            if let listen = service.listen {
                if let (_, owner) = listeners.first(where: { $0.0.collides(with: listen) }) {
                    let who = owner == "admin" ? "the admin API" : "service \(owner)"
                    throw (item.lookup("listen") ?? item).error("listen address \(listen) is already used by \(who)")
                }
                listeners.append((listen, service.name))
            }
            config.services.append(service)
        }
        let serviceNames = Set(config.services.map(\.name))
        config.alerts = try AlertReader.alerts(map["alerts"], services: serviceNames)
        config.notify = try AlertReader.notify(map["notify"])
        return config
    }
}
