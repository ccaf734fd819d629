/// A change to the registry from outside the mesh's own config: the Consul-compatible API's
/// registrations and TTL check reports. Endpoints are named by their ID alone there, as in Consul.
public enum RegistryCommand: Sendable, Equatable {
    /// Adds or replaces `endpoint` in `service` (created if new). `ttl`: its health comes from
    /// check reports, and it turns failing when none arrives for that long; nil: checked by the
    /// service's own health checks.
    case register(service: String, endpoint: Endpoint, ttl: Double?)
    case deregister(id: String)
    /// A TTL check report: pass (and warn) count as a passed check, fail as a failed one.
    case report(id: String, passed: Bool)
}
