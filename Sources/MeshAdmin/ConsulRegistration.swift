import Foundation
import MeshConfig
import MeshCore

/// A Consul service definition (`PUT /v1/agent/service/register`; `agent/structs`
/// `ServiceDefinition`, `CheckType`) read into the endpoint mesh-top routes to.
///
/// As Consul reads it: keys match in any case and the last of a key given twice wins, as Go's
/// `encoding/json` matches them (python-consul sends `name`, `port`, `check`), Consul's
/// snake_case aliases are taken, a key Consul does not know is refused as Consul refuses it
/// (`Request decode failed: json: unknown field "X"`, `lib.DecodeJSON`), durations are Go's
/// (`1m30s`) or nanoseconds. Refusals carry Consul's words (`Missing service name`, `Invalid
/// Service Meta: …`, `Invalid check: …`) after the field they are about. Unlike Consul, a wrong
/// type or a value out of range is refused with a message naming the field, and so is what
/// mesh-top cannot carry out: an ID or name it could not record and replay (empty, `/`, control
/// characters), a check kind its prober does not run, Connect.
struct ConsulRegistration {
    struct Refusal: Error, Sendable { var message: String }

    var service: String
    var endpoint: Endpoint

    /// Check durations mesh-top takes, seconds: up to 30 days. Consul raises an interval under a
    /// second to a second (`checks.MinInterval`), and so does mesh-top.
    static let maxDuration = 30.0 * 86_400
    static let minInterval = 1.0
    /// Consul's default timeout of HTTP and TCP checks.
    static let defaultTimeout = 10.0
    static let maxThreshold = 10_000

    /// The fields of a JSON object body, or the one-line refusal Consul gives for anything else.
    static func bodyFields(_ bytes: [UInt8], expecting what: String) throws(Refusal) -> Fields {
        let root: JSONValue
        do {
            root = try JSONValue.parse(bytes)
        } catch {
            throw Refusal(message: "body: Request decode failed: not JSON (expected \(what)): \(error)")
        }
        guard case .object = root else { throw Refusal(message: "body: expected a JSON object (\(what)), got \(root.kind)") }
        return Fields(root, path: "body")
    }

    init(body: [UInt8]) throws(Refusal) {
        let body = try Self.bodyFields(body, expecting: "a Consul service definition")
        try body.refuseUnknown(Self.serviceKeys)
        guard let name = try body.string("Name"), !name.isEmpty else { throw Refusal(message: "body.Name: Missing service name") }
        try Self.name(name, "body.Name")
        // An empty ID is none, as in Consul (`NodeService`: the ID defaults to the name).
        let given = try body.string("ID") ?? ""
        let id = given.isEmpty ? name : given
        try Self.name(id, "body.ID")
        if let kind = try body.string("Kind"), !kind.isEmpty, kind != "typical" {
            throw Refusal(message: "body.Kind: '\(kind)' is a Connect kind; Connect is out of mesh-top's scope")
        }
        if let connect = body.value("Connect"), (connect["SidecarService"] ?? connect["sidecar_service"]) != nil
            || connect["Native"].map(Self.isTrue) == true {
            throw Refusal(message: "body.Connect: Connect is out of mesh-top's scope")
        }
        if let proxy = try body.object("Proxy"), !proxy.isEmpty {
            throw Refusal(message: "body.Proxy: a Connect proxy's configuration; Connect is out of mesh-top's scope")
        }
        if let socket = try body.string("SocketPath"), !socket.isEmpty {
            throw Refusal(message: "body.SocketPath: mesh-top routes to Address:Port, not to a unix socket")
        }
        guard let port = try body.integer("Port", in: 1...65535) else {
            throw Refusal(message: "body.Port: required, a whole number 1...65535 (mesh-top routes to Address:Port)")
        }
        var host = try body.string("Address") ?? ""
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        // Consul keeps an empty Address and its clients use the node's: mesh-top routes there.
        let usesNodeAddress = host.isEmpty
        if usesNodeAddress { host = ConsulNode.address }
        // Consul refuses these as "Invalid service address" (`ipaddr.IsAny`).
        guard !["0.0.0.0", "::", "::0"].contains(host) else {
            throw Refusal(message: "body.Address: Invalid service address ('\(host)' is every address, not one mesh-top can route to)")
        }
        guard let address = HostPort(host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)") else {
            throw Refusal(message: "body.Address: '\(host)' is not a host name or IP address")
        }
        let tags = try body.strings("Tags") ?? []
        for (i, tag) in tags.enumerated() { try Self.text(tag, "body.Tags[\(i)]") }
        let meta = try body.stringMap("Meta") ?? [:]
        try Self.meta(meta)
        var weight = Endpoint.defaultWeight
        var warningWeight: Int?
        if let weights = try body.object("Weights") {
            try weights.refuseUnknown(["passing", "warning"])
            let upper = Endpoint.weightRange.upperBound
            // Consul's `ValidateWeights`: Passing at least 1, Warning at least 0.
            guard let passing = weights.value("Passing")?.double, passing >= 1 else {
                throw Refusal(message: "body.Weights.Passing: Invalid Weights: Passing must be greater than 0")
            }
            if let warning = weights.value("Warning")?.double, warning < 0 {
                throw Refusal(message: "body.Weights.Warning: Invalid Weights: Warning must be greater or equal than 0")
            }
            weight = try weights.integer("Passing", in: 1...upper) ?? 1
            warningWeight = try weights.integer("Warning", in: 0...upper) ?? 0
        }
        let enableTagOverride = try body.bool("EnableTagOverride", alias: "enable_tag_override") ?? false
        let taggedAddresses = try Self.taggedAddresses(body)

        var definitions: [Fields] = []
        if let check = try body.object("Check"), !check.isEmpty { definitions.append(check) }
        definitions += try body.objects("Checks") ?? []
        for definition in definitions { try definition.refuseUnknown(Self.checkKeys) }
        var checks: [ServiceCheck] = []
        for (i, definition) in definitions.enumerated() {
            let check = try Self.check(definition, number: i, of: definitions.count, service: name, id: id)
            guard !checks.contains(where: { $0.id == check.id }) else {
                throw Refusal(message: "\(definition.path).CheckID: '\(check.id)' is given twice")
            }
            checks.append(check)
        }
        service = name
        endpoint = Endpoint(id: id, address: address.description, zone: meta["zone"] ?? "", weight: weight, tags: tags,
                            metadata: meta, registration: Registration(checks: checks, warningWeight: warningWeight,
                                                                       enableTagOverride: enableTagOverride,
                                                                       usesNodeAddress: usesNodeAddress, taggedAddresses: taggedAddresses))
    }

    // MARK: Checks

    /// One `Check` or `Checks[i]` (`CheckType.Validate`); IDs and names as Consul gives them
    /// (`agent/agent.go`, `addServiceInternal`).
    /// `givenID`: the ID a check registered apart from its service has (its `ID`, else its name).
    static func check(_ c: Fields, number i: Int, of count: Int, service: String, id: String, givenID: String? = nil) throws(Refusal) -> ServiceCheck {
        for key in ["Args", "ScriptArgs", "script_args", "DockerContainerID", "docker_container_id", "GRPC",
                    "H2PING", "UDP", "OSService", "AliasService", "AliasNode"] where c.value(key) != nil {
            throw Refusal(message: "\(c.path).\(key): mesh-top runs TTL, HTTP and TCP checks only")
        }
        let givenCheckID = try c.string("CheckID") ?? ""
        let named = givenCheckID.isEmpty ? (count > 1 ? "service:\(id):\(i + 1)" : "service:\(id)") : givenCheckID
        let checkID = givenID ?? named
        try name(checkID, "\(c.path).CheckID")
        let checkName = try c.string("Name") ?? "Service '\(service)' check"
        try text(checkName, "\(c.path).Name")
        let notes = try c.string("Notes") ?? ""
        try text(notes, "\(c.path).Notes", newlines: true)
        var status = CheckStatus.critical
        if let given = try c.string("Status"), !given.isEmpty {
            guard let s = CheckStatus(rawValue: given) else {
                throw Refusal(message: "\(c.path).Status: Status for checks must 'passing', 'warning', 'critical' (got '\(given)')")
            }
            status = s
        }
        let ttl = try c.duration("TTL")
        let interval = try c.duration("Interval")
        var timeout = try c.duration("Timeout")
        let after = try c.duration("DeregisterCriticalServiceAfter", alias: "deregister_critical_service_after")
        let http = try c.string("HTTP").flatMap { $0.isEmpty ? nil : $0 }
        let tcp = try c.string("TCP").flatMap { $0.isEmpty ? nil : $0 }
        if http != nil && tcp != nil { throw Refusal(message: "\(c.path): give one of HTTP and TCP") }
        if (interval ?? 0) > 0 && (ttl ?? 0) > 0 { throw Refusal(message: "\(c.path): Invalid check: Interval and TTL cannot both be specified") }
        let success = try c.integer("SuccessBeforePassing", in: 0...maxThreshold) ?? 0
        let critical = try c.integer("FailuresBeforeCritical", in: 0...maxThreshold) ?? 0
        let warning = try c.integer("FailuresBeforeWarning", in: 0...maxThreshold) ?? critical
        guard warning <= critical else {
            throw Refusal(message: "\(c.path).FailuresBeforeWarning: Invalid check: FailuresBeforeWarning can't be higher than FailuresBeforeCritical (\(warning) > \(critical))")
        }
        let reap = (after ?? 0) > 0 ? after : nil
        var check = ServiceCheck(id: checkID, name: checkName, kind: .ttl, notes: notes, status: status, deregisterCriticalAfter: reap,
                                 successBeforePassing: success, failuresBeforeWarning: warning, failuresBeforeCritical: critical)
        guard http != nil || tcp != nil else {
            guard let ttl, ttl > 0 else { throw Refusal(message: "\(c.path).TTL: Invalid check: TTL must be > 0 for TTL checks (or give HTTP or TCP with an Interval)") }
            check.ttl = ttl
            return check
        }
        guard let interval, interval > 0 else { throw Refusal(message: "\(c.path).Interval: Invalid check: Interval must be > 0 for HTTP and TCP checks") }
        if (timeout ?? 0) <= 0 { timeout = defaultTimeout }
        check.interval = max(interval, minInterval)
        check.timeout = timeout ?? defaultTimeout
        if let http {
            check.kind = .http
            check.target = http
            guard let (host, port, path) = httpTarget(http) else {
                throw Refusal(message: "\(c.path).HTTP: '\(http)' is not an http:// URL mesh-top's prober can fetch (plain HTTP, a host, an optional port)")
            }
            (check.host, check.port, check.path) = (host, port, path)
            if let method = try c.string("Method"), !method.isEmpty, method.uppercased() != "GET" {
                throw Refusal(message: "\(c.path).Method: mesh-top's prober checks with GET only")
            }
            if let header = try c.object("Header"), !header.isEmpty {
                throw Refusal(message: "\(c.path).Header: mesh-top's prober sends no custom headers")
            }
            if let body = try c.string("Body"), !body.isEmpty { throw Refusal(message: "\(c.path).Body: mesh-top's prober sends no body") }
        } else if let tcp {
            check.kind = .tcp
            check.target = tcp
            guard let address = HostPort(tcp) else { throw Refusal(message: "\(c.path).TCP: '\(tcp)' is not host:port") }
            (check.host, check.port) = (address.host, address.port)
        }
        return check
    }

    /// `http://host[:port]/path?query` as host, port (80 by default) and the request target.
    private static func httpTarget(_ url: String) -> (String, Int, String)? {
        guard let parts = URLComponents(string: url), parts.scheme?.lowercased() == "http",
              let host = parts.host, !host.isEmpty, parts.user == nil else { return nil }
        let port = parts.port ?? 80
        let bare = host.hasPrefix("[") ? String(host.dropFirst().dropLast()) : host
        guard HostPort(bare.contains(":") ? "[\(bare)]:\(port)" : "\(bare):\(port)") != nil else { return nil }
        var target = parts.percentEncodedPath.isEmpty ? "/" : parts.percentEncodedPath
        if let query = parts.percentEncodedQuery { target += "?" + query }
        guard target.allSatisfy({ $0.isASCII && !$0.isWhitespace }) else { return nil }
        return (bare, port, target)
    }

    // MARK: Values mesh-top can carry

    /// An ID or name: it names endpoints (`SERVICE/ID`), routes and recording lines.
    static func name(_ value: String, _ field: String) throws(Refusal) {
        guard !value.isEmpty else { throw Refusal(message: "\(field): cannot be empty") }
        guard !value.contains("/") else { throw Refusal(message: "\(field): '\(value)' cannot contain '/'") }
        try text(value, field)
    }

    /// No control characters: they would garble the dashboard (newlines and tabs only where asked).
    static func text(_ value: String, _ field: String, newlines: Bool = false) throws(Refusal) {
        for scalar in value.unicodeScalars where scalar.properties.generalCategory == .control {
            if newlines, scalar == "\n" || scalar == "\t" || scalar == "\r" { continue }
            throw Refusal(message: "\(field): control characters are not allowed")
        }
    }

    /// Consul's rules for service metadata (`agent/structs`, `ValidateServiceMetadata`,
    /// `validateMetaPair`), in its words: at most 64 pairs, keys of letters, digits, `-` and `_`
    /// up to 128 characters and not starting with `consul-`, values up to 512 characters.
    private static func meta(_ meta: [String: String]) throws(Refusal) {
        let invalid = "Invalid Service Meta:"
        guard meta.count <= 64 else {
            throw Refusal(message: "body.Meta: \(invalid) Node metadata cannot contain more than 64 key/value pairs (got \(meta.count))")
        }
        for (key, value) in meta.sorted(by: { $0.key < $1.key }) {
            guard !key.isEmpty else { throw Refusal(message: "body.Meta: \(invalid) Key cannot be blank") }
            guard key.unicodeScalars.allSatisfy({ $0.isASCII && (CharacterSet.alphanumerics.contains($0) || $0 == "-" || $0 == "_") }) else {
                throw Refusal(message: "body.Meta: \(invalid) Key contains invalid characters: '\(key)' (letters, digits, '-' and '_' only)")
            }
            guard key.count <= 128 else { throw Refusal(message: "body.Meta: \(invalid) Key is too long (limit: 128 characters)") }
            guard !key.hasPrefix("consul-") else {
                throw Refusal(message: "body.Meta.\(key): \(invalid) Key prefix 'consul-' is reserved for internal use")
            }
            guard value.utf8.count <= 512 else {
                throw Refusal(message: "body.Meta.\(key): \(invalid) Value is too long (limit: 512 characters)")
            }
            try text(value, "body.Meta.\(key)")
        }
    }

    /// `TaggedAddresses` (or `tagged_addresses`), each `{Address, Port}` (`ServiceAddress`),
    /// checked as Consul checks them (`agent/agent.go`, `validateService`: the `lan_ipv4`,
    /// `wan_ipv4`, `lan_ipv6` and `wan_ipv6` ones must be addresses of their family) and kept.
    private static func taggedAddresses(_ body: Fields) throws(Refusal) -> [String: Registration.TaggedAddress] {
        let snake = try body.object("tagged_addresses")
        guard let tagged = try body.object("TaggedAddresses") ?? snake, case .object(let members) = tagged.value else { return [:] }
        var out: [String: Registration.TaggedAddress] = [:]
        for (name, value) in members {
            if case .null = value { continue }
            guard case .object = value else {
                throw Refusal(message: "\(tagged.path).\(name): expected an object {\"Address\": …, \"Port\": …}, got \(value.kind)")
            }
            try Self.text(name, "\(tagged.path)")
            let fields = Fields(value, path: "\(tagged.path).\(name)")
            try fields.refuseUnknown(["address", "port"])
            let address = try fields.string("Address") ?? ""
            try Self.text(address, "\(fields.path).Address")
            let family = name.hasSuffix("_ipv4") ? 4 : name.hasSuffix("_ipv6") ? 6 : 0
            if ["lan_ipv4", "wan_ipv4", "lan_ipv6", "wan_ipv6"].contains(name), ServiceEntry.ipFamily(address) != family {
                throw Refusal(message: "\(fields.path).Address: Service tagged address \"\(name)\" must be a valid ipv\(family) address")
            }
            out[name] = Registration.TaggedAddress(address: address, port: try fields.integer("Port", in: 0...65535) ?? 0)
        }
        return out
    }

    /// Every key of Consul's `ServiceDefinition` (lower-cased: they match in any case), its
    /// snake_case aliases and the enterprise ones (`agent/structs/service_definition.go`).
    static let serviceKeys: Set<String> = [
        "kind", "id", "name", "tags", "address", "taggedaddresses", "meta", "port", "ports", "socketpath", "check", "checks",
        "weights", "token", "enabletagoverride", "locality", "proxy", "connect", "namespace", "partition",
        "enable_tag_override", "tagged_addresses",
    ]

    /// Every key of Consul's `CheckType` and its aliases (`agent/structs/check_type.go`,
    /// `CheckType.UnmarshalJSON`), lower-cased.
    static let checkKeys: Set<String> = [
        "checkid", "name", "status", "notes", "scriptargs", "http", "h2ping", "h2pingusetls", "header", "method", "body",
        "disableredirects", "tcp", "tcpusetls", "udp", "interval", "aliasnode", "aliasservice", "dockercontainerid", "shell",
        "grpc", "grpcusetls", "osservice", "tlsservername", "tlsskipverify", "timeout", "ttl", "successbeforepassing",
        "failuresbeforewarning", "failuresbeforecritical", "proxyhttp", "proxygrpc", "deregistercriticalserviceafter",
        "outputmaxsize", "args", "script_args", "deregister_critical_service_after", "docker_container_id",
        "tls_server_name", "tls_skip_verify", "grpc_use_tls", "h2ping_use_tls", "serviceid", "service_id",
    ]

    private static func isTrue(_ value: JSONValue) -> Bool {
        if case .bool(let b) = value { return b }
        return false
    }
}
