/// `sample`: every endpoint's load over the last window, at a fixed cadence.
public struct LoadSample: Codable, Sendable, Equatable {
    /// One endpoint's line: `{"endpoint":"web/web-1","rps":..,"active":..,"p50":..,"p99":..,"errors":..}`.
    public struct Entry: Codable, Sendable, Equatable {
        public var endpoint: EndpointRef
        public var load: EndpointLoad

        public init(endpoint: EndpointRef, load: EndpointLoad) { self.endpoint = endpoint; self.load = load }

        private enum Keys: String, CodingKey { case endpoint }

        public init(from decoder: any Decoder) throws {
            endpoint = try decoder.container(keyedBy: Keys.self).decode(EndpointRef.self, forKey: .endpoint)
            load = try EndpointLoad(from: decoder)
        }

        public func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: Keys.self)
            try c.encode(endpoint, forKey: .endpoint)
            try load.encode(to: encoder)
        }
    }

    public var endpoints: [Entry]
    /// Each service as its clients saw it (requests, retries, failures, picks); nil in
    /// recordings made before services were sampled, and where the source cannot tell
    /// requests from attempts.
    public var services: [ServiceSample]?

    public init(endpoints: [Entry], services: [ServiceSample]? = nil) { self.endpoints = endpoints; self.services = services }
}
