import MeshConfig
public import MeshCore
import MeshProbe
import MeshProxy
import NIOCore
import MeshTLS
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
            if let proxy = proxy(of: target) { submitted.append(("drain \(target.ref)", proxy.drain(slot: target.slot))) }
        case .admit(let target):
            if let proxy = proxy(of: target) { submitted.append(("restore \(target.ref)", proxy.restore(slot: target.slot))) }
        case .resetConnections(let target):
            if let proxy = proxy(of: target) {
                submitted.append(("\(target.ref): closing its connections", proxy.kill(slot: target.slot)))
            }
        case .stopProcess(let target):
            supervisor.kill(target.ref)
        case .startProcess(let target):
            // Only where this instance runs it; a start that fails also shows as its checks failing.
            logFailure("\(target.ref): its process cannot be started again") { try supervisor.start(target.ref) }
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
        let table = routes[s]
        // The access log names endpoints; without one the loops need no names.
        var names: [Int32: String] = [:]
        if proxy.configuration.accessLog != nil {
            for slot in table.keys { names[slot] = engine.ref(service: s, slot: slot)?.endpoint }
        }
        submitted.append(("\(proxy.configuration.listen): routing to the new host set",
                          proxy.updateRoutes(table, hosts: hosts, names: names)))
    }

    private func proxy(of target: EndpointSlot) -> ServiceProxy? {
        target.service < proxies.count ? proxies[target.service] : nil
    }

    /// Waits until the loops have done what this step asked of them (routes, drains, resets),
    /// all asked already, so the waits overlap: on the control thread, never on an event loop.
    /// What failed is logged.
    func settle() {
        for (what, done) in submitted { logFailure(what) { try done.wait() } }
        submitted.removeAll()
    }

    /// Every endpoint's load over the last window, from the proxies' counters.
    /// Every proxy is asked at once and the answers waited for together, on the control thread.
    func sample(window: Double, now: Double) {
        let counting = proxies.map { $0?.collect() }
        let viewing = proxies.map { $0?.balancerViews() }
        let peering = proxies.indices.map { s in tls.client(s) == nil ? nil : proxies[s]?.peerIdentities() }
        var entries: [LoadSample.Entry] = []
        for (s, service) in engine.state.services.enumerated() where s < proxies.count {
            var counters: [Int32: EndpointCounters] = [:]
            var views: [Int32: BalancerView] = [:]
            if let collected = counting[s] { logFailure("\(service.name): collecting counters") { counters = try collected.wait() } }
            if let viewed = viewing[s] { logFailure("\(service.name): collecting balancer views") { views = try viewed.wait() } }
            var peers: [Int32: PeerIdentity] = [:]
            if let peered = peering[s] { logFailure("\(service.name): collecting TLS peers") { peers = try peered.wait() } }
            let client = tls.client(s)
            let managed = s < tls.services.count && tls.services[s].upstream == .auto
            for endpoint in service.endpoints {
                let ref = EndpointRef(service: service.name, endpoint: endpoint.id)
                guard let slot = engine.locate(ref)?.slot else { continue }
                var load = meters[s].load(slot: slot, counters: counters[slot] ?? EndpointCounters(), window: max(window, 1e-3))
                load.balancer = views[slot]
                load.checks = checkMarks.removeValue(forKey: ref)
                load.outlier = engine.outlierRecord(service: s, slot: slot, now: now)
                load.tls = Self.endpointTLS(client: client, peer: peers[slot], failures: counters[slot]?.handshakeFailures ?? 0,
                                             managed: managed)
                entries.append(LoadSample.Entry(endpoint: ref, load: load))
            }
        }
        checkMarks.removeAll(keepingCapacity: true)
        carryOut(engine.recordSample(entries, now: now))
    }
}
