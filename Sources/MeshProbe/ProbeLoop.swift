import MeshCore
import NIOCore

/// The probes of one event loop, and the way their results leave it. Lives on its loop only.
///
/// Past its capacity the loop degrades gracefully instead of failing endpoints: at most
/// `maxConnecting` connects are in flight (as HAProxy's `tune.max-checks-per-thread` queues checks
/// beyond its limit), later ones wait their turn in order, and each check's timeout counts from its
/// own start. A burst of connects (ten thousand targets added at once, or all reconnecting) would
/// otherwise overflow the servers' listen backlogs and the loop, time out, close and reconnect, a
/// storm that marks healthy endpoints down. A check that starts later than `lateness` past its due
/// time is counted in `load`, so the operator can see the checker is behind.
final class ProbeLoop {
    let eventLoop: any EventLoop
    let schedule: ProbeSchedule
    let maxConnecting: Int
    private var connecting = 0
    /// Probes waiting for a place to connect, oldest first, from `waitingHead` on.
    private var waiting: [(probe: Probe, ticket: UInt64)] = []
    private var waitingHead = 0
    private var lastWaitTicket: UInt64 = 0
    private var isDraining = false
    private(set) var load = HealthCheckerLoad()
    /// Sockets of TCP checks between checks.
    var sockets = TCPConnectPool()
    private let resultsLoop: any EventLoop
    private let onResult: @Sendable (HealthCheckResult) -> Void
    private var probes: [ProbeKey: Probe] = [:]
    /// Results waiting for the hop to the results loop: one hop per loop iteration, not per result.
    private var outbox: [HealthCheckResult] = []
    private var random = SeededRandom(seed: UInt64.random(in: 0 ... .max))
    private var isShutDown = false

    init(eventLoop: any EventLoop, resultsLoop: any EventLoop, maxConnecting: Int,
         onResult: @escaping @Sendable (HealthCheckResult) -> Void) {
        self.eventLoop = eventLoop
        self.maxConnecting = max(1, maxConnecting)
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
        waiting = []
        waitingHead = 0
        for probe in probes.values { probe.stop() }
        probes = [:]
        sockets.closeAll()
        schedule.removeAll()
    }

    // MARK: Connects in flight

    /// Takes a place to connect for a due probe, or says no (then the probe `wait`s).
    func admit(_ probe: Probe, now: NIODeadline) -> Bool {
        guard connecting < maxConnecting, waitingHead == waiting.count else { return false }
        connecting += 1
        noteStart(probe, now: now)
        return true
    }

    /// A place taken without queueing (a check already under way retrying once).
    func take() { connecting += 1 }

    func nextWaitTicket() -> UInt64 {
        lastWaitTicket &+= 1
        return lastWaitTicket
    }

    func wait(_ probe: Probe) {
        waiting.append((probe, probe.waitTicket))
        load.waiting = waiting.count - waitingHead
    }

    /// A connect ended: the place goes to the oldest waiting probe still waiting. Re-entrant calls
    /// (a connect refused at once) only count; the outer call hands the places out.
    func release() {
        connecting -= 1
        guard !isDraining else { return }
        isDraining = true
        defer { isDraining = false }
        while connecting < maxConnecting, waitingHead < waiting.count {
            let (probe, ticket) = waiting[waitingHead]
            waitingHead += 1
            guard probe.isWaiting, probe.waitTicket == ticket else { continue }
            connecting += 1
            let now = NIODeadline.now()
            noteStart(probe, now: now)
            probe.admitted(now: now)
        }
        if waitingHead == waiting.count {
            waiting.removeAll(keepingCapacity: true)
            waitingHead = 0
        } else if waitingHead > 1024 && waitingHead * 2 > waiting.count {
            waiting.removeFirst(waitingHead)
            waitingHead = 0
        }
        load.waiting = waiting.count - waitingHead
    }

    /// Counts a check starting, and whether it starts late: more than half its interval (at
    /// least 100 ms) after it was due.
    private func noteStart(_ probe: Probe, now: NIODeadline) {
        let lag = max(0, Double((now - probe.nextCheck).nanoseconds) / 1e9)
        load.connectsStarted += 1
        load.lag = lag
        if lag > max(probe.interval / 2, 0.1) { load.lateChecks += 1 }
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
