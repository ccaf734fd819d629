/// What an endpoint carries only sometimes: a registration's tags, metadata and checks, an
/// operator's reason, a shared mesh's owner and views, and the detail of its last samples (check
/// marks, histogram, the balancer's view, outlier record, status classes, connections, TLS).
/// Kept behind one reference so that an endpoint without them costs 8 bytes for all of them
/// instead of some 220 inline; copied on write, as swift-nio's `HTTPRequestHead` keeps its
/// `_Storage`, so that `Endpoint` stays a value.
final class EndpointDetail: @unchecked Sendable {
    var tags: [String] = []
    var metadata: [String: String] = [:]
    var registration: Registration?
    var maintenance: String?
    var owner: String?
    var views: [String: EndpointState]?
    var checks: [CheckMark] = []
    var latency: LatencyWindow?
    // The sampled load's own optional parts (`EndpointLoad`).
    var loadLatency: LatencyWindow?
    var balancer: BalancerView?
    var loadChecks: [CheckMark]?
    var outlier: OutlierRecord?
    var codes: StatusClasses?
    var connections: Int?
    var tls: EndpointTLS?

    init() {}

    func copy() -> EndpointDetail {
        let c = EndpointDetail()
        c.tags = tags; c.metadata = metadata; c.registration = registration; c.maintenance = maintenance
        c.owner = owner; c.views = views; c.checks = checks; c.latency = latency
        c.loadLatency = loadLatency; c.balancer = balancer; c.loadChecks = loadChecks; c.outlier = outlier
        c.codes = codes; c.connections = connections; c.tls = tls
        return c
    }

    /// Whether it holds nothing an endpoint without it would not say.
    var isEmpty: Bool {
        tags.isEmpty && metadata.isEmpty && registration == nil && maintenance == nil && owner == nil && views == nil
            && checks.isEmpty && latency == nil && loadLatency == nil && balancer == nil && loadChecks == nil
            && outlier == nil && codes == nil && connections == nil && tls == nil
    }

    /// Equal in what `Endpoint ==` compares (check marks and histogram are left out there).
    func sameKept(as other: EndpointDetail) -> Bool {
        tags == other.tags && metadata == other.metadata && registration == other.registration
            && maintenance == other.maintenance && owner == other.owner && views == other.views
            && loadLatency == other.loadLatency && balancer == other.balancer && loadChecks == other.loadChecks
            && outlier == other.outlier && codes == other.codes && connections == other.connections && tls == other.tls
    }
}
