public import MeshCore
public import NIOCore
import NIOConcurrencyHelpers

/// The latest events of a session, for `GET /v1/events?since=SEQ&wait=D`, the request totals
/// behind `/metrics`, and word of each state the session publishes, which Consul's blocking
/// queries wait on (they read that state, not the events). The engine appends on its own
/// thread; admin connections read and wait on theirs. Keyframes are left out: they are a
/// recording's seek device, not news.
public final class EventJournal: @unchecked Sendable {
    private struct Waiter {
        var id: UInt64
        var after: UInt64
        var promise: EventLoopPromise<Void>
    }

    private let capacity: Int
    private let lock = NIOLock()
    private var events = CircularBuffer<MeshEvent>()
    private var waiters: [Waiter] = []
    private var nextWaiter: UInt64 = 0
    private var summary = RunSummary()
    private var lastSeq: UInt64 = 0
    /// The seq of the state the session last published (what reads see now), and who waits
    /// for the next one.
    private var publishedSeq: UInt64 = 0
    private var publishWaiters: [Waiter] = []
    /// A count of the events Consul's reads can show (registrations, states, checks, operator
    /// actions), with its value at each service's last one; registrations and keyframes count
    /// for every service (they change Consul IDs, or everything).
    private var relevance: UInt64 = 0
    private var relevantTo: [String: UInt64] = [:]
    private var relevantToAll: UInt64 = 0

    /// Keeps the last `capacity` events; older ones are only in a recording.
    public init(capacity: Int = 10_000) {
        self.capacity = max(1, capacity)
        events.reserveCapacity(self.capacity)
    }

    public func append(_ event: MeshEvent) {
        let woken: [EventLoopPromise<Void>] = lock.withLock {
            summary.count(event)
            lastSeq = event.seq
            countRelevance(of: event)
            if case .keyframe = event.body { return [] }
            if events.count == capacity { events.removeFirst() }
            events.append(event)
            guard !waiters.isEmpty else { return [] }
            let due = waiters.filter { event.seq > $0.after }
            waiters.removeAll { event.seq > $0.after }
            return due.map(\.promise)
        }
        for promise in woken { promise.succeed() }
    }

    /// Events with `seq > after`, oldest first, at most `limit`.
    public func events(after: UInt64, limit: Int = 1_000) -> [MeshEvent] {
        lock.withLock {
            // seq only grows (within one session), so search from the end.
            var start = events.endIndex
            while start > events.startIndex, events[events.index(before: start)].seq > after {
                start = events.index(before: start)
            }
            return Array(events[start...].prefix(limit))
        }
    }

    /// The seq of the newest event.
    public var latestSeq: UInt64 { lock.withLock { lastSeq } }

    /// The seq of the state last published.
    var latestPublished: UInt64 { lock.withLock { publishedSeq } }

    /// A mark that moves whenever an event Consul's reads of `service` (of any service when
    /// nil) could show goes in: a blocking query whose mark has not moved need not look again.
    func relevance(of service: String?) -> UInt64 {
        lock.withLock { service.map { max(relevantTo[$0] ?? 0, relevantToAll) } ?? relevance }
    }

    private func countRelevance(of event: MeshEvent) {
        let service: String?
        switch event.body {
        case .registry, .keyframe: service = nil
        case .endpointState(let change): service = change.endpoint.service
        case .operatorCommand(let command): service = command.target.service
        case .check(let change): service = change.endpoint.service
        default: return
        }
        relevance += 1
        if let service { relevantTo[service] = relevance } else { relevantToAll = relevance }
    }

    /// Requests, errors and state changes per endpoint so far.
    public func totals() -> RunSummary { lock.withLock { summary } }

    /// Completes every wait now: nothing more is coming.
    public func wakeAll() {
        let all = lock.withLock { () -> [Waiter] in
            defer { waiters.removeAll(); publishWaiters.removeAll() }
            return waiters + publishWaiters
        }
        for waiter in all { waiter.promise.succeed() }
    }

    /// The session published the state up to `seq`: reads see it from now on. Waits for a
    /// later one end (all of them when time went back: a replay's seek).
    public func published(seq: UInt64) {
        let woken = lock.withLock { () -> [EventLoopPromise<Void>] in
            guard seq != publishedSeq else { return [] }
            let back = seq < publishedSeq
            publishedSeq = seq
            let due = publishWaiters.filter { back || seq > $0.after }
            publishWaiters.removeAll { back || seq > $0.after }
            return due.map(\.promise)
        }
        for promise in woken { promise.succeed() }
    }

    /// Completes once a state later than `seq` is published, or at `deadline`: what a blocking
    /// query that has read the state at `seq` waits for.
    func waitForPublish(after seq: UInt64, until deadline: NIODeadline, on loop: any EventLoop) -> EventLoopFuture<Void> {
        let promise = loop.makePromise(of: Void.self)
        let id: UInt64? = lock.withLock {
            if publishedSeq > seq { return nil }
            nextWaiter &+= 1
            publishWaiters.append(Waiter(id: nextWaiter, after: seq, promise: promise))
            return nextWaiter
        }
        guard let id else {
            promise.succeed()
            return promise.futureResult
        }
        loop.scheduleTask(deadline: deadline) { [self] in
            let expired = lock.withLock { () -> Bool in
                guard let i = publishWaiters.firstIndex(where: { $0.id == id }) else { return false }
                publishWaiters.remove(at: i)
                return true
            }
            if expired { promise.succeed() }
        }
        return promise.futureResult
    }

    /// Completes when an event with `seq > after` is in the journal, or at `deadline`.
    public func wait(after: UInt64, until deadline: NIODeadline, on loop: any EventLoop) -> EventLoopFuture<Void> {
        let promise = loop.makePromise(of: Void.self)
        let id: UInt64? = lock.withLock {
            if let last = events.last, last.seq > after { return nil }
            nextWaiter &+= 1
            waiters.append(Waiter(id: nextWaiter, after: after, promise: promise))
            return nextWaiter
        }
        guard let id else {
            promise.succeed()
            return promise.futureResult
        }
        loop.scheduleTask(deadline: deadline) { [self] in
            // Whoever takes the waiter out completes it: a wake-up and the deadline never both do.
            let expired = lock.withLock { () -> Bool in
                guard let i = waiters.firstIndex(where: { $0.id == id }) else { return false }
                waiters.remove(at: i)
                return true
            }
            if expired { promise.succeed() }
        }
        return promise.futureResult
    }
}
