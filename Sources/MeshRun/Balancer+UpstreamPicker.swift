import MeshCore
public import MeshProxy

/// The engine's balancers drive the data plane as they are: each event loop gets its own copy.
extension Balancer: UpstreamPicker {}
