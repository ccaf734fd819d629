public import MeshCore
import MeshConfig

/// The engine's effects on the simulated world: host sets reach the balancers, a stopped
/// process is a crashed endpoint, reset connections fail the requests in flight, a registered
/// endpoint answers and is checked.
extension Simulator: MeshActuator {
    public func record(_ event: MeshEvent) { onEvent(event) }

    public func perform(_ effect: MeshEffect) {
        switch effect {
        case .publish(let s, let hosts):
            balancers[s].update(hosts)
        case .attach(let target):
            // Every registration in a demo goes through `register` or `registry`, which say how
            // the endpoint answers.
            guard let config = joining.removeValue(forKey: target.ref) else { return }
            simulate(config, as: target)
        case .detach(let target):
            endpoints[target.service][Int(target.slot)].detached = true
        case .resetConnections(let target):
            queue.resetCompletions(service: Int32(target.service), slot: target.slot, at: now)
        case .stopProcess(let target):
            endpoints[target.service][Int(target.slot)].crashed = true
        case .startProcess(let target):
            endpoints[target.service][Int(target.slot)].crashed = false
        case .drain, .admit:
            // The balancers' host sets already carry it, and a simulated endpoint keeps no idle
            // connections to close.
            break
        case .pauseChecks, .resumeChecks:
            // The simulated prober keeps its schedule (its results on a stopped process show in
            // the detail pane as failures); the engine ignores a killed endpoint's results.
            break
        }
    }

    /// The simulated endpoint behind a slot; a new slot gets its first check (a replaced one
    /// keeps the checks it has).
    private func simulate(_ config: SimulatedEndpointConfig, as target: EndpointSlot) {
        let (s, slot) = (target.service, Int(target.slot))
        let simulated = SimEndpoint(config: config)
        if slot < endpoints[s].count {
            endpoints[s][slot] = simulated
        } else {
            endpoints[s].append(simulated)
            scheduleFirstCheck(service: s, slot: target.slot)
        }
    }
}
