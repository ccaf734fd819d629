import MeshCore

/// What the shared mesh tells the control thread, in etcd's order.
enum SharedChange: Equatable, Sendable {
    /// An endpoint another instance owns, new or written anew: mirror it.
    case registered(service: String, endpoint: Endpoint)
    /// It went: deregistered somewhere, or its owner left (or was lost and stayed away).
    case deregistered(EndpointRef, reason: String?)
    /// The operator's word, given on another instance (or here, before a restart).
    case word(OperatorCommand)
    /// The operator's words on an endpoint were withdrawn with its registration.
    case unsaid(EndpointRef)
    case instance(InstanceChange)
    case view(ViewChange)
    /// etcd went away, or came back: for the events pane, once each.
    case notice(String)
}
