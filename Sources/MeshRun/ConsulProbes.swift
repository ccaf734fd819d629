import MeshCore
import MeshProbe
import NIOCore

/// The HTTP and TCP checks that Consul registrations bring, run by mesh-top's own prober. The
/// prober checks one target per (service, slot); a registration may bring several checks, so
/// each check runs under a key of its own (slot never reused, service 0) in a checker of its
/// own. Touched only by the control thread.
final class ConsulProbes {
    /// Which check a key runs.
    struct Probe {
        var ref: EndpointRef
        var check: String
        var index: Int
        var kind: ServiceCheck.Kind
        var target: String
    }

    private let checker: HealthChecker
    private var probes: [Int32: Probe] = [:]
    private var keys: [EndpointRef: [Int32]] = [:]
    private var nextKey: Int32 = 0

    init(group: any EventLoopGroup, resultsOn loop: any EventLoop, onResult: @escaping @Sendable (HealthCheckResult) -> Void) {
        checker = HealthChecker(group: group, resultsOn: loop, onResult: onResult)
    }

    /// Starts the HTTP and TCP checks of `ref`, replacing any it had.
    func start(_ checks: [ServiceCheck], of ref: EndpointRef) {
        stop(ref)
        for (index, check) in checks.enumerated() where check.kind != .ttl {
            nextKey &+= 1
            let key = nextKey
            // Consul's thresholds are the engine's business: the prober reports every run.
            let policy = HealthPolicy(kind: check.kind == .http ? .http : .tcp, path: check.path,
                                      interval: check.interval, timeout: check.timeout,
                                      healthyThreshold: 1, unhealthyThreshold: 1)
            probes[key] = Probe(ref: ref, check: check.id, index: index, kind: check.kind, target: check.target)
            keys[ref, default: []].append(key)
            checker.add(HealthTarget(service: 0, slot: key, host: check.host, port: check.port, policy: policy))
        }
    }

    /// Stops them for good (deregistered, or registered again).
    func stop(_ ref: EndpointRef) {
        for key in keys.removeValue(forKey: ref) ?? [] {
            probes[key] = nil
            checker.remove(service: 0, slot: key)
        }
    }

    func pause(_ ref: EndpointRef) { for key in keys[ref] ?? [] { checker.pause(service: 0, slot: key) } }
    func resume(_ ref: EndpointRef) { for key in keys[ref] ?? [] { checker.resume(service: 0, slot: key) } }

    /// The check a result belongs to, and the result in Consul's words (`agent/checks/check.go`:
    /// an HTTP 2xx passes, 429 warns, anything else is critical; a TCP connect passes or is
    /// critical). nil for a check stopped meanwhile.
    func outcome(of result: HealthCheckResult) -> (probe: Probe, status: CheckStatus, output: String)? {
        guard let probe = probes[result.slot] else { return nil }
        let why = result.detail ?? "failed"
        switch probe.kind {
        case .http:
            let status: CheckStatus = result.passed ? .passing : why == "status 429" ? .warning : .critical
            return (probe, status, "HTTP GET \(probe.target): " + (result.passed ? "2xx, passing" : why))
        case .tcp, .ttl:
            return (probe, result.passed ? .passing : .critical, "TCP connect \(probe.target): " + (result.passed ? "Success" : why))
        }
    }

    func shutdown() -> EventLoopFuture<Void> { checker.shutdown() }
}
