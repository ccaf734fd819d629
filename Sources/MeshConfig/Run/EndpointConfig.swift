public import MeshCore

/// One backend of a service in mesh.yaml.
public struct EndpointConfig: Sendable, Equatable {
    /// Unique within its service; the `ENDPOINT` of `SERVICE/ENDPOINT`.
    public var id: String
    /// Where the data plane forwards to; nil only for services fed by registrations.
    public var address: HostPort?
    /// Empty when not given.
    public var zone: String
    /// In `Endpoint.weightRange`; `Endpoint.defaultWeight` when not given.
    public var weight: Int
    public var tags: [String]
    public var metadata: [String: String]
    /// A shell command mesh-top starts and supervises (`command:`); kill sends it SIGKILL.
    public var command: String?

    public init(id: String, address: HostPort? = nil, zone: String = "", weight: Int = Endpoint.defaultWeight,
                tags: [String] = [], metadata: [String: String] = [:], command: String? = nil) {
        self.id = id; self.address = address; self.zone = zone; self.weight = weight
        self.tags = tags; self.metadata = metadata; self.command = command
    }

    /// The registry's view of this endpoint, in state `unknown`.
    public var endpoint: Endpoint {
        Endpoint(id: id, address: address?.description, zone: zone, weight: weight, tags: tags,
                 metadata: metadata, supervised: command != nil)
    }
}

/// The keys every endpoint has, in run configs and scenarios alike.
struct EndpointBasics {
    static let keys = ["id", "zone", "weight", "tags", "metadata"]

    var id: String
    /// Where the id is written, for duplicate-id errors.
    var idField: Field
    var zone = ""
    var weight = Endpoint.defaultWeight
    var tags: [String] = []
    var metadata: [String: String] = [:]

    /// - Parameter zones: the service's `zones:`; when not empty, the endpoint's zone must be one of them.
    init(_ map: FieldMap, zones: [String]) throws(ConfigError) {
        idField = try map.required("id")
        id = try idField.name()
        if let f = map["zone"] {
            zone = try f.name()
            if !zones.isEmpty, !zones.contains(zone) {
                throw f.error("zone '\(zone)' is not in the service's zones [\(zones.joined(separator: ", "))]")
            }
        } else if !zones.isEmpty {
            _ = try map.required("zone", "the service lists zones [\(zones.joined(separator: ", "))]")
        }
        if let f = map["weight"] {
            weight = try f.int()
            guard Endpoint.weightRange.contains(weight) else {
                throw f.error("weight \(weight) is outside \(Endpoint.weightRange.lowerBound)...\(Endpoint.weightRange.upperBound)")
            }
        }
        if let f = map["tags"] { tags = try f.strings() }
        if let f = map["metadata"] { metadata = try f.stringMap() }
    }
}
