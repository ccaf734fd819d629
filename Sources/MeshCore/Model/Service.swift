/// A service: its endpoints, how it balances, and where its traffic goes right now.
public struct Service: Codable, Sendable, Equatable, Identifiable {
    public var name: String
    public var balancer: BalancerKind
    /// Locality preference order; empty when zones play no part.
    public var zones: [String]
    public var listen: String?
    public var proto: String?
    public var endpoints: [Endpoint]
    /// The zone taking the traffic now, when it is not the first preferred one.
    public var failoverZone: String?
    /// Below the panic threshold every endpoint gets traffic, healthy or not.
    public var panic: Bool
    /// How mesh-top checks its endpoints (`health.type`); nil in recordings made before it was kept.
    public var healthCheck: HealthPolicy.Kind?
    /// The last sample window as clients saw it; nil until a sample says (and in recordings
    /// from before services were sampled): then `clientLoad` falls back to the endpoints' sum.
    public var traffic: ServiceTraffic?
    /// The balancer's latest power-of-two-choices picks, newest first; nil for other balancers.
    public var picks: [BalancerPick]?

    public var id: String { name }

    public init(
        name: String, balancer: BalancerKind = .roundRobin, zones: [String] = [],
        listen: String? = nil, proto: String? = nil, endpoints: [Endpoint] = []
    ) {
        self.name = name; self.balancer = balancer; self.zones = zones
        self.listen = listen; self.proto = proto; self.endpoints = endpoints
        self.failoverZone = nil; self.panic = false
    }

    public func endpoint(_ id: String) -> Endpoint? { endpoints.first { $0.id == id } }

    /// Load summed over endpoints (`EndpointLoad.total`).
    public var load: EndpointLoad { .total(of: endpoints) }

    /// The service as its clients see it: requests (not attempts) and the failures they got,
    /// with the endpoints' latencies and requests in flight.
    public var clientLoad: EndpointLoad { clientLoad(endpoints: load) }

    /// `clientLoad` from the endpoints' `load`, already summed.
    public func clientLoad(endpoints load: EndpointLoad) -> EndpointLoad {
        var load = load
        if let traffic {
            load.rps = traffic.rps
            load.errors = traffic.errors
        }
        return load
    }

    /// Endpoints that could take traffic (healthy or not checked yet) but none with a weight
    /// above 0: the balancer has nothing to pick and the proxy answers 503, as HAProxy does
    /// when every server of a backend is at weight 0. The dashboard says so rather than show a
    /// healthy service.
    public var allWeightsZero: Bool {
        var eligible = false
        for i in endpoints.indices where endpoints[i].state.isEligible {
            if endpoints[i].routingWeight > 0 { return false }
            eligible = true
        }
        return eligible
    }

    /// By index: filtering the endpoints themselves would copy each one.
    public var healthyCount: Int { endpoints.indices.lazy.filter { endpoints[$0].state == .healthy }.count }
}
