/// `sample`: every endpoint's load over the last window, at a fixed cadence.
public struct LoadSample: Codable, Sendable, Equatable {
    public struct Entry: Codable, Sendable, Equatable {
        public var endpoint: EndpointRef
        public var load: EndpointLoad

        public init(endpoint: EndpointRef, load: EndpointLoad) { self.endpoint = endpoint; self.load = load }
    }

    public var endpoints: [Entry]

    public init(endpoints: [Entry]) { self.endpoints = endpoints }
}
