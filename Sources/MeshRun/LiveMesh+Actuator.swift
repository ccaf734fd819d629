public import MeshCore
import MeshProbe
import MeshProxy
import NIOCore
import NIOPosix

/// The engine decides; these make it so on the real data plane: host sets and operator states
/// reach the proxies' event loops, kills and restarts the supervised processes, pauses and
/// resumes the checks. Nothing here waits for the loops: each step waits once, at its end
/// (`settle`), for everything it asked of them.
extension LiveMesh: MeshActuator {
    public func record(_ event: MeshEvent) {
        onEvent(event)
        share(event)
    }

    public func perform(_ effect: MeshEffect) {
        switch effect {
        case .publish(let s, let hosts):
            publish(service: s, hosts: hosts)
        case .attach(let target):
            // A registration whose address resolved here (`joining`): routed and checked.
            guard let address = joining.removeValue(forKey: target.ref) else { return }
            attach(target, at: address)
        case .detach(let target):
            detach(target)
        case .drain(let target):
            if let proxy = proxy(of: target) { submitted.append(proxy.drain(slot: target.slot)) }
        case .admit(let target):
            if let proxy = proxy(of: target) { submitted.append(proxy.restore(slot: target.slot)) }
        case .resetConnections(let target):
            if let proxy = proxy(of: target) { submitted.append(proxy.kill(slot: target.slot)) }
        case .stopProcess(let target):
            supervisor.kill(target.ref)
        case .startProcess(let target):
            // Only where this instance runs it; a start that fails shows as the endpoint's checks failing.
            try? supervisor.start(target.ref)
        case .pauseChecks(let target):
            checker.pause(service: target.service, slot: target.slot)
            consulProbes.pause(target.ref)
        case .resumeChecks(let target):
            checker.resume(service: target.service, slot: target.slot)
            consulProbes.resume(target.ref)
        }
    }

    /// The service's endpoint addresses and host set, on every loop of its proxy.
    func publish(service s: Int, hosts: HostSet) {
        guard s < proxies.count, let proxy = proxies[s] else { return }
        submitted.append(proxy.updateRoutes(routes[s], hosts: hosts))
    }

    private func proxy(of target: EndpointSlot) -> ServiceProxy? {
        target.service < proxies.count ? proxies[target.service] : nil
    }

    /// Waits until the loops have done what this step asked of them (routes, drains, resets):
    /// on the control thread, never on an event loop.
    func settle() {
        guard !submitted.isEmpty else { return }
        _ = try? EventLoopFuture.andAllComplete(submitted, on: group.next()).wait()
        submitted.removeAll()
    }

    /// Every endpoint's load over the last window, from the proxies' counters.
    /// Every proxy is asked at once and the answers waited for together, on the control thread.
    func sample(window: Double, now: Double) {
        let counting = proxies.map { $0?.collect() }
        let viewing = proxies.map { $0?.balancerViews() }
        var entries: [LoadSample.Entry] = []
        for (s, service) in engine.state.services.enumerated() where s < proxies.count {
            let counters = counting[s].flatMap { try? $0.wait() } ?? [:]
            let views = viewing[s].flatMap { try? $0.wait() } ?? [:]
            for endpoint in service.endpoints {
                let ref = EndpointRef(service: service.name, endpoint: endpoint.id)
                guard let slot = engine.locate(ref)?.slot else { continue }
                var load = meters[s].load(slot: slot, counters: counters[slot] ?? EndpointCounters(), window: max(window, 1e-3))
                load.balancer = views[slot]
                load.checks = checkMarks.removeValue(forKey: ref)
                load.outlier = engine.outlierRecord(service: s, slot: slot, now: now)
                entries.append(LoadSample.Entry(endpoint: ref, load: load))
            }
        }
        checkMarks.removeAll(keepingCapacity: true)
        carryOut(engine.recordSample(entries, now: now))
    }
}
