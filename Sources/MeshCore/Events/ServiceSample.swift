/// One service's numbers over a sample window as its clients saw them, beside the per-endpoint
/// entries (which count attempts: a request retried once is two attempts on two endpoints).
/// `{"service":"web","rps":600,"retries":12.5,"errors":0.2,"picks":[...]}`.
public struct ServiceSample: Codable, Sendable, Equatable {
    public var service: String
    /// Requests per second the service's clients made, each counted once however many attempts it took.
    public var rps: Double
    /// Retry attempts per second (attempts beyond each request's first).
    public var retries: Double
    /// Requests per second that failed in the end (after their retries), as clients saw them.
    public var errors: Double
    /// The balancer's latest power-of-two-choices picks, newest first; nil for other balancers.
    public var picks: [BalancerPick]?

    public init(service: String, rps: Double, retries: Double, errors: Double, picks: [BalancerPick]? = nil) {
        self.service = service; self.rps = rps; self.retries = retries; self.errors = errors; self.picks = picks
    }

    public var traffic: ServiceTraffic { ServiceTraffic(rps: rps, retries: retries, errors: errors) }
}
