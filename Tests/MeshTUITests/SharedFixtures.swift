import MeshCore

extension Fixtures {
    /// `mesh()` as instance a of a shared mesh with b and c: a owns checkout, b owns the rest;
    /// b sees checkout-b1 unhealthy where a sees it healthy, and b's operator drained
    /// checkout-b2.
    static func shared() -> MeshState {
        var state = mesh()
        state.instance = "a"
        for s in state.services.indices {
            for e in state.services[s].endpoints.indices { state.services[s].endpoints[e].owner = s == 0 ? "a" : "b" }
        }
        var seq = state.seq, t = state.time
        func at(_ body: MeshEvent.Body) { seq += 1; t += 0.1; state.apply(MeshEvent(seq: seq, t: t, body: body)) }
        at(.instance(InstanceChange(instance: "a", action: .joined, admin: "10.0.0.1:9901")))
        at(.instance(InstanceChange(instance: "b", action: .joined, admin: "10.0.0.2:9901")))
        at(.instance(InstanceChange(instance: "c", action: .joined, admin: "10.0.0.3:9901")))
        for id in ["checkout-a1", "checkout-b1"] {
            at(.view(ViewChange(instance: "c", endpoint: ref("checkout", id), state: state.endpoint(ref("checkout", id))?.state)))
        }
        at(.view(ViewChange(instance: "b", endpoint: ref("checkout", "checkout-b1"), state: .unhealthy)))
        at(.operatorCommand(OperatorCommand(action: .drain, target: ref("payments", "pay-b2"), by: "api", instance: "b")))
        at(.instance(InstanceChange(instance: "c", action: .lost, detail: "its etcd lease ran out")))
        return state
    }
}
