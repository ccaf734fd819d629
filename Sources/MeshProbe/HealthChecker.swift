public import NIOCore

/// Active health checks on real sockets (issue 5).
///
/// Each target lives on one loop of `group`, picked from its (service, slot), and is checked every
/// `policy.interval` (first checks spread uniformly over one interval, ±10% jitter after) within
/// `policy.timeout`:
/// - `tcp`: the connect succeeds in time;
/// - `http`: `GET policy.path` answers 2xx in time, on a connection kept alive between checks
///   when the server allows it (reconnecting when it does not);
/// - `none`: not checked.
///
/// Results are delivered by calling `onResult` **on `resultsLoop`** (the control loop that owns
/// the engine), so it may capture loop-bound state through `NIOLoopBound`. Results of targets on
/// other loops hop there in batches, one hop per loop iteration.
///
/// Every method may be called from any thread. Call `shutdown()` before shutting down the group.
public final class HealthChecker: Sendable {
    private struct Lane: Sendable {
        let eventLoop: any EventLoop
        let probes: NIOLoopBoundBox<ProbeLoop>
    }

    private let lanes: [Lane]

    /// At most this many connects in flight per event loop by default; more wait their turn.
    /// Enough for ten thousand checks a second of round trips up to 25 ms, and under Linux's
    /// default listen backlog (`somaxconn`, 4096) of a server all targets may share.
    public static let defaultMaxConnecting = 256

    /// `maxConnecting`: connects in flight per event loop, past which checks wait in order (their
    /// timeouts counted from when they start), as HAProxy's `tune.max-checks-per-thread`.
    public init(group: any EventLoopGroup, resultsOn resultsLoop: any EventLoop,
                maxConnecting: Int = HealthChecker.defaultMaxConnecting,
                onResult: @escaping @Sendable (HealthCheckResult) -> Void) {
        lanes = group.makeIterator().map { loop in
            Lane(eventLoop: loop,
                 probes: .makeBoxSendingValue(ProbeLoop(eventLoop: loop, resultsLoop: resultsLoop, maxConnecting: maxConnecting,
                                                        onResult: onResult),
                                              eventLoop: loop))
        }
    }

    /// Whether the checker keeps up with its schedule, summed over its loops.
    public func load() -> EventLoopFuture<HealthCheckerLoad> {
        let loads = lanes.map { lane in lane.eventLoop.submit { lane.probes.value.load } }
        return EventLoopFuture.whenAllSucceed(loads, on: lanes[0].eventLoop).map { $0.reduce(HealthCheckerLoad(), +) }
    }

    /// Starts checking a target, replacing any with the same (service, slot).
    public func add(_ target: HealthTarget) {
        onLane(target.key) { $0.add(target) }
    }

    /// Stops checking an endpoint for good (deregistered); its connection is closed.
    public func remove(service: Int, slot: Int32) {
        onLane(ProbeKey(service: service, slot: slot)) { $0.remove(ProbeKey(service: service, slot: slot)) }
    }

    /// Stops checking a killed endpoint until `resume`; a check in flight is dropped unreported.
    public func pause(service: Int, slot: Int32) {
        onLane(ProbeKey(service: service, slot: slot)) { $0.pause(ProbeKey(service: service, slot: slot)) }
    }

    /// Checks a restored endpoint again, its first check within one interval.
    public func resume(service: Int, slot: Int32) {
        onLane(ProbeKey(service: service, slot: slot)) { $0.resume(ProbeKey(service: service, slot: slot)) }
    }

    /// Stops every check and closes every connection; later `add`s are ignored. Results already
    /// on their way to the results loop may still arrive.
    @discardableResult
    public func shutdown() -> EventLoopFuture<Void> {
        let done = lanes.map { lane in lane.eventLoop.submit { lane.probes.value.shutdown() } }
        return .andAllSucceed(done, on: lanes[0].eventLoop)
    }

    /// Targets being checked (paused ones included), for tests and the admin API.
    public func targetCount() -> EventLoopFuture<Int> {
        let counts = lanes.map { lane in lane.eventLoop.submit { lane.probes.value.count } }
        return EventLoopFuture.whenAllSucceed(counts, on: lanes[0].eventLoop).map { $0.reduce(0, +) }
    }

    /// Work for a target's loop: at once when already there, else queued in call order.
    private func onLane(_ key: ProbeKey, _ body: @escaping @Sendable (ProbeLoop) -> Void) {
        let lane = lanes[Self.laneIndex(key, of: lanes.count)]
        if lane.eventLoop.inEventLoop {
            body(lane.probes.value)
        } else {
            lane.eventLoop.execute { body(lane.probes.value) }
        }
    }

    private static func laneIndex(_ key: ProbeKey, of count: Int) -> Int {
        var h = UInt64(bitPattern: Int64(key.service)) &* 0x9E37_79B9_7F4A_7C15
        h ^= UInt64(UInt32(bitPattern: key.slot)) &* 0xBF58_476D_1CE4_E5B9
        h ^= h >> 31
        return Int(h % UInt64(count))
    }
}
