import MeshCore

/// What a frame shows of a service as a whole, each figure a pass over all its endpoints:
/// computed once a frame (`DashboardRenderer.summaries`), where the header, the service's row,
/// its endpoints' load bars and the detail pane each summed them again (up to eight passes over
/// 10,000 endpoints a frame).
struct ServiceSummary {
    /// `Service.load`: what its endpoints received.
    var load: EndpointLoad
    /// `Service.clientLoad`: what its clients sent.
    var clientLoad: EndpointLoad
    var healthy: Int
    /// `Service.allWeightsZero`.
    var allWeightsZero: Bool

    init(_ service: Service) {
        load = service.load
        clientLoad = service.clientLoad(endpoints: load)
        healthy = service.healthyCount
        allWeightsZero = service.allWeightsZero
    }
}

extension DashboardRenderer {
    /// The frame's summary of `service` (made afresh if the frame has none of it).
    func summary(of service: Service) -> ServiceSummary {
        if let s = state.services.firstIndex(where: { $0.name == service.name }), s < summaries.count { return summaries[s] }
        return ServiceSummary(service)
    }
}
