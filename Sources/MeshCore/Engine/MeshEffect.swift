/// What the data plane must do because of a decision of the engine. The engine only decides;
/// a `MeshActuator` makes it so: the simulator on its virtual endpoints, the live mesh on real
/// sockets, checks and processes. Effects come in the order the engine decided them.
public enum MeshEffect: Sendable, Equatable {
    /// Route the service's new work to these hosts from now on (membership, weight or health
    /// changed).
    case publish(service: Int, hosts: HostSet)
    /// A registered endpoint, new or replaced: route to it and check it.
    case attach(EndpointSlot)
    /// A deregistered endpoint: its route and its checks go.
    case detach(EndpointSlot)
    /// The operator drains it: no new requests or connections, in-flight work finishes, idle
    /// connections close.
    case drain(EndpointSlot)
    /// Back in rotation after a drain or a kill.
    case admit(EndpointSlot)
    /// Every connection to it is reset at once (a kill, or a drain past `drain_timeout`).
    case resetConnections(EndpointSlot)
    /// Its process stops (SIGKILL where mesh-top supervises one) / starts again.
    case stopProcess(EndpointSlot)
    case startProcess(EndpointSlot)
    /// Its active checks pause while it is killed, and resume when it comes back.
    case pauseChecks(EndpointSlot)
    case resumeChecks(EndpointSlot)
}

/// An endpoint as the data plane addresses it: its name, and its service's index and slot in
/// the engine's tables (stable while it is registered).
public struct EndpointSlot: Sendable, Hashable {
    public var ref: EndpointRef
    public var service: Int
    public var slot: Int32

    public init(ref: EndpointRef, service: Int, slot: Int32) {
        self.ref = ref; self.service = service; self.slot = slot
    }
}
