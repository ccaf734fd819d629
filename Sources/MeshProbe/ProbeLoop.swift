import MeshCore
import NIOCore

/// The probes of one event loop, and the way their results leave it. Lives on its loop only.
final class ProbeLoop {
    let eventLoop: any EventLoop
    let schedule: ProbeSchedule
    private let resultsLoop: any EventLoop
    private let onResult: @Sendable (HealthCheckResult) -> Void
    private var probes: [ProbeKey: Probe] = [:]
    /// Results waiting for the hop to the results loop: one hop per loop iteration, not per result.
    private var outbox: [HealthCheckResult] = []
    private var random = SeededRandom(seed: UInt64.random(in: 0 ... .max))
    private var isShutDown = false

    init(eventLoop: any EventLoop, resultsLoop: any EventLoop, onResult: @escaping @Sendable (HealthCheckResult) -> Void) {
        self.eventLoop = eventLoop
        schedule = ProbeSchedule(eventLoop: eventLoop)
        self.resultsLoop = resultsLoop
        self.onResult = onResult
    }

    var count: Int { probes.count }

    /// Adds or replaces a target; a target whose policy is `none` is not checked.
    func add(_ target: HealthTarget) {
        remove(target.key)
        guard !isShutDown, target.policy.kind != .none else { return }
        let probe = Probe(target: target, home: self)
        probes[target.key] = probe
        probe.start()
    }

    func remove(_ key: ProbeKey) {
        probes.removeValue(forKey: key)?.remove()
    }

    func pause(_ key: ProbeKey) {
        probes[key]?.stop()
    }

    func resume(_ key: ProbeKey) {
        guard let probe = probes[key], !probe.isActive else { return }
        probe.start()
    }

    func shutdown() {
        isShutDown = true
        for probe in probes.values { probe.stop() }
        probes = [:]
        schedule.removeAll()
    }

    /// Uniform in [0, 1), for the spread and jitter of check times.
    func unit() -> Double { random.unit() }

    func deliver(_ result: HealthCheckResult) {
        if resultsLoop === eventLoop { return onResult(result) }
        outbox.append(result)
        guard outbox.count == 1 else { return }
        eventLoop.assumeIsolated().execute { self.flush() }
    }

    private func flush() {
        let batch = outbox, onResult = onResult
        outbox.removeAll(keepingCapacity: true)
        resultsLoop.execute {
            for result in batch { onResult(result) }
        }
    }
}
