import MeshConfig
import MeshCore
import MeshProbe
import MeshProxy
import NIOCore

/// The engine decides; these make it so on the real data plane.
extension LiveMesh {
    func publish(service s: Int, hosts: HostSet) {
        guard s < proxies.count, let proxy = proxies[s] else { return }
        let table = routes[s]
        try? proxy.updateRoutes(table, hosts: hosts).wait()
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
            if let proxy { try? proxy.kill(slot: slot).wait() }
        case .draining:
            // Drained after a kill (another instance's later word): running and checked again.
            if change.from == .killed { revive(change.endpoint, service: s, slot: slot) }
            if let proxy { try? proxy.drain(slot: slot).wait() }
        case .drained:
            // Drained because idle: nothing to close. Drained by the timeout: close what is left.
            if let proxy, change.reason.hasPrefix("drain timeout") { try? proxy.kill(slot: slot).wait() }
        default:
            guard change.from.isAdministrative else { return }
            if change.from == .killed { revive(change.endpoint, service: s, slot: slot) }
            if let proxy { try? proxy.restore(slot: slot).wait() }
        }
    }

    /// A killed endpoint comes back: its process (when this instance runs it) and its checks.
    private func revive(_ ref: EndpointRef, service s: Int, slot: Int32) {
        try? supervisor.start(ref)
        checker.resume(service: s, slot: slot)
        consulProbes.resume(ref)
    }

    /// Every endpoint's load over the last window, from the proxies' counters.
    func sample(window: Double, now: Double) {
        var entries: [LoadSample.Entry] = []
        for (s, service) in engine.state.services.enumerated() where s < proxies.count {
            let counters = proxies[s].flatMap { proxy in try? proxy.collect().wait() } ?? [:]
            let views = proxies[s].flatMap { proxy in try? proxy.balancerViews().wait() } ?? [:]
            let client = tls.client(s)
            let peers = client == nil ? [:] : proxies[s].flatMap { proxy in try? proxy.peerIdentities().wait() } ?? [:]
            for endpoint in service.endpoints {
                let ref = EndpointRef(service: service.name, endpoint: endpoint.id)
                guard let slot = engine.locate(ref)?.slot else { continue }
                var load = meters[s].load(slot: slot, counters: counters[slot] ?? EndpointCounters(), window: max(window, 1e-3))
                load.balancer = views[slot]
                load.checks = checkMarks.removeValue(forKey: ref)
                load.outlier = engine.outlierRecord(service: s, slot: slot, now: now)
                load.tls = Self.endpointTLS(client: client, peer: peers[slot], failures: counters[slot]?.handshakeFailures ?? 0,
                                             managed: s < tls.services.count && tls.services[s].upstream == .auto)
                entries.append(LoadSample.Entry(endpoint: ref, load: load))
            }
        }
        checkMarks.removeAll(keepingCapacity: true)
        engine.recordSample(entries, now: now)
    }
}
