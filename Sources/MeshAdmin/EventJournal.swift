public import MeshCore
public import NIOCore
import NIOConcurrencyHelpers

/// The latest events of a session, for `GET /v1/events?since=SEQ&wait=D`, the request totals
/// behind `/metrics`, and word of each state the session publishes, which Consul's blocking
/// queries wait on (they read that state, not the events). The engine appends on its own
/// thread; admin connections read and wait on theirs. Keyframes are left out: they are a
/// recording's seek device, not news.
public final class EventJournal: Sendable {
    fileprivate struct Waiter {
        var id: UInt64
        var after: UInt64
        var promise: EventLoopPromise<Void>
    }

    fileprivate struct State {
        var events = CircularBuffer<MeshEvent>()
        var waiters: [Waiter] = []
        var nextWaiter: UInt64 = 0
        var summary = RunSummary()
        var lastSeq: UInt64 = 0
        /// The seq of the state the session last published (what reads see now), and who waits
        /// for the next one.
        var publishedSeq: UInt64 = 0
        var publishWaiters: [Waiter] = []
        /// A count of the events Consul's reads can show (registrations, states, checks,
        /// operator actions), with its value at each service's last one; registrations and
        /// keyframes count for every service (they change Consul IDs, or everything).
        var relevance: UInt64 = 0
        var relevantTo: [String: UInt64] = [:]
        var relevantToAll: UInt64 = 0
    }

    private let capacity: Int
    private let state: NIOLockedValueBox<State>

    /// Keeps the last `capacity` events; older ones are only in a recording.
    public init(capacity: Int = 10_000) {
        self.capacity = max(1, capacity)
        var state = State()
        state.events.reserveCapacity(self.capacity)
        self.state = NIOLockedValueBox(state)
    }

    public func append(_ event: MeshEvent) {
        let woken: [EventLoopPromise<Void>] = state.withLockedValue { s in
            s.summary.count(event)
            s.lastSeq = event.seq
            s.countRelevance(of: event)
            if case .keyframe = event.body { return [] }
            if s.events.count == capacity { s.events.removeFirst() }
            s.events.append(event)
            guard !s.waiters.isEmpty else { return [] }
            let due = s.waiters.filter { event.seq > $0.after }
            s.waiters.removeAll { event.seq > $0.after }
            return due.map(\.promise)
        }
        for promise in woken { promise.succeed() }
    }

    /// Events with `seq > after`, oldest first, at most `limit`.
    public func events(after: UInt64, limit: Int = 1_000) -> [MeshEvent] {
        state.withLockedValue { s in
            // seq only grows (within one session), so search from the end.
            var start = s.events.endIndex
            while start > s.events.startIndex, s.events[s.events.index(before: start)].seq > after {
                start = s.events.index(before: start)
            }
            return Array(s.events[start...].prefix(limit))
        }
    }

    /// The seq of the newest event.
    public var latestSeq: UInt64 { state.withLockedValue { $0.lastSeq } }

    /// The seq of the state last published.
    var latestPublished: UInt64 { state.withLockedValue { $0.publishedSeq } }

    /// A mark that moves whenever an event Consul's reads of `service` (of any service when
    /// nil) could show goes in: a blocking query whose mark has not moved need not look again.
    func relevance(of service: String?) -> UInt64 {
        state.withLockedValue { s in service.map { max(s.relevantTo[$0] ?? 0, s.relevantToAll) } ?? s.relevance }
    }

    /// Requests, errors and state changes per endpoint so far.
    public func totals() -> RunSummary { state.withLockedValue { $0.summary } }

    /// Completes every wait now: nothing more is coming.
    public func wakeAll() {
        let all = state.withLockedValue { s -> [Waiter] in
            defer { s.waiters.removeAll(); s.publishWaiters.removeAll() }
            return s.waiters + s.publishWaiters
        }
        for waiter in all { waiter.promise.succeed() }
    }

    /// The session published the state up to `seq`: reads see it from now on. Waits for a
    /// later one end (all of them when time went back: a replay's seek).
    public func published(seq: UInt64) {
        let woken = state.withLockedValue { s -> [EventLoopPromise<Void>] in
            guard seq != s.publishedSeq else { return [] }
            let back = seq < s.publishedSeq
            s.publishedSeq = seq
            let due = s.publishWaiters.filter { back || seq > $0.after }
            s.publishWaiters.removeAll { back || seq > $0.after }
            return due.map(\.promise)
        }
        for promise in woken { promise.succeed() }
    }

    /// Completes once a state later than `seq` is published, or at `deadline`: what a blocking
    /// query that has read the state at `seq` waits for.
    func waitForPublish(after seq: UInt64, until deadline: NIODeadline, on loop: any EventLoop) -> EventLoopFuture<Void> {
        wait(on: loop, until: deadline, list: \.publishWaiters) { s in s.publishedSeq > seq ? nil : seq }
    }

    /// Completes when an event with `seq > after` is in the journal, or at `deadline`.
    public func wait(after: UInt64, until deadline: NIODeadline, on loop: any EventLoop) -> EventLoopFuture<Void> {
        wait(on: loop, until: deadline, list: \.waiters) { s in
            if let last = s.events.last, last.seq > after { return nil }
            return after
        }
    }

    /// A waiter in `list`, unless `after` says (nil) that what it waits for is there already.
    /// Whoever takes the waiter out completes it: a wake-up and the deadline never both do.
    private func wait(on loop: any EventLoop, until deadline: NIODeadline, list: any WritableKeyPath<State, [Waiter]> & Sendable,
                      after: (State) -> UInt64?) -> EventLoopFuture<Void> {
        let promise = loop.makePromise(of: Void.self)
        let id: UInt64? = state.withLockedValue { s in
            guard let after = after(s) else { return nil }
            s.nextWaiter &+= 1
            s[keyPath: list].append(Waiter(id: s.nextWaiter, after: after, promise: promise))
            return s.nextWaiter
        }
        guard let id else {
            promise.succeed()
            return promise.futureResult
        }
        loop.scheduleTask(deadline: deadline) { [self] in
            let expired = state.withLockedValue { s -> Bool in
                guard let i = s[keyPath: list].firstIndex(where: { $0.id == id }) else { return false }
                s[keyPath: list].remove(at: i)
                return true
            }
            if expired { promise.succeed() }
        }
        return promise.futureResult
    }
}

extension EventJournal.State {
    mutating func countRelevance(of event: MeshEvent) {
        let service: String?
        switch event.body {
        case .registry, .keyframe, .node: service = nil
        case .endpointState(let change): service = change.endpoint.service
        case .operatorCommand(let command): service = command.target.service
        case .check(let change): service = change.endpoint.service
        default: return
        }
        relevance += 1
        if let service { relevantTo[service] = relevance } else { relevantToAll = relevance }
    }
}
