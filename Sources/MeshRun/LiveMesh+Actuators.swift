import MeshCore
import MeshProbe
import MeshProxy
import NIOCore

/// The engine decides; these make it so on the real data plane.
extension LiveMesh {
    func publish(service s: Int, hosts: HostSet) {
        guard s < proxies.count, let proxy = proxies[s] else { return }
        let table = routes[s]
        // The access log names endpoints; without one the loops need no names.
        var names: [Int32: String] = [:]
        if proxy.configuration.accessLog != nil {
            for slot in table.keys { names[slot] = engine.ref(service: s, slot: slot)?.endpoint }
        }
        logFailure("\(proxy.configuration.listen): routing to the new host set") { try proxy.updateRoutes(table, hosts: hosts, names: names).wait() }
    }

    /// Applies an endpoint's change of state to its connections, process and checks.
    func actuate(_ event: MeshEvent) {
        if case .registry(let change) = event.body, change.action == .deregistered { return withdraw(change) }
        guard case .endpointState(let change) = event.body, let (s, slot) = engine.locate(change.endpoint) else { return }
        let proxy = s < proxies.count ? proxies[s] : nil
        switch change.to {
        case .killed:
            checker.pause(service: s, slot: slot)
            consulProbes.pause(change.endpoint)
            supervisor.kill(change.endpoint)
            if let proxy { logFailure("kill \(change.endpoint): closing its connections") { try proxy.kill(slot: slot).wait() } }
        case .draining:
            // Drained after a kill (another instance's later word): running and checked again.
            if change.from == .killed { revive(change.endpoint, service: s, slot: slot) }
            if let proxy { logFailure("drain \(change.endpoint)") { try proxy.drain(slot: slot).wait() } }
        case .drained:
            // Drained because idle: nothing to close. Drained by the timeout: close what is left.
            if let proxy, change.reason.hasPrefix("drain timeout") {
                logFailure("drain timeout of \(change.endpoint): closing its connections") { try proxy.kill(slot: slot).wait() }
            }
        default:
            guard change.from.isAdministrative else { return }
            if change.from == .killed { revive(change.endpoint, service: s, slot: slot) }
            if let proxy { logFailure("restore \(change.endpoint)") { try proxy.restore(slot: slot).wait() } }
        }
    }

    /// A killed endpoint comes back: its process (when this instance runs it) and its checks.
    private func revive(_ ref: EndpointRef, service s: Int, slot: Int32) {
        logFailure("\(ref): its process cannot be started again") { try supervisor.start(ref) }
        checker.resume(service: s, slot: slot)
        consulProbes.resume(ref)
    }

    /// Every endpoint's load over the last window, from the proxies' counters.
    func sample(window: Double, now: Double) {
        var entries: [LoadSample.Entry] = []
        for (s, service) in engine.state.services.enumerated() where s < proxies.count {
            var counters: [Int32: EndpointCounters] = [:]
            var views: [Int32: BalancerView] = [:]
            if let proxy = proxies[s] {
                logFailure("\(service.name): collecting counters") { counters = try proxy.collect().wait() }
                logFailure("\(service.name): collecting balancer views") { views = try proxy.balancerViews().wait() }
            }
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
        engine.recordSample(entries, now: now)
    }
}
