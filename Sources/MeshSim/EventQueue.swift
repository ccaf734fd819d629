/// A 4-ary min-heap of simulator events, due first on top, ties in order of scheduling. Its
/// storage grows to the peak number of pending events and then stays, so scheduling allocates
/// nothing in steady state.
///
/// Built for the simulator's inner loop, where the queue was a third of a request's cost:
/// - four children side by side halve the levels a removal walks (libuv's and Go's timer
///   heaps trade depth for width the same way), and their keys share one cache line;
/// - the key is one 128-bit number (the time's bits, then the order), kept apart from the
///   events, so choosing the least child is a few branch-free compares over keys alone;
/// - a popped event's place stays open until the next call, so that the event its handler
///   schedules (an arrival schedules its completion) takes the root with one sift instead of a
///   removal and an insertion.
struct EventQueue {
    private var keys: [UInt128] = []
    private var events: [SimEvent] = []
    private var nextOrder: UInt64 = 0
    /// The root was popped and not yet removed.
    private var rootTaken = false

    var isEmpty: Bool { count == 0 }
    var count: Int { keys.count - (rootTaken ? 1 : 0) }

    init() {
        keys.reserveCapacity(1024)
        events.reserveCapacity(1024)
    }

    /// When the next event is due, nil when none is.
    mutating func nextTime() -> Double? {
        settle()
        return events.first?.time
    }

    /// Mesh times are never negative, and for those the bits of a `Double` order as it does
    /// (`+ 0` turns -0 into +0).
    @inline(__always)
    private static func key(_ event: SimEvent) -> UInt128 {
        UInt128(max(event.time, 0).bitPattern &+ 0) << 64 | UInt128(event.order)
    }

    mutating func schedule(_ event: SimEvent) {
        var e = event
        e.time = max(e.time, 0) + 0
        e.order = nextOrder
        nextOrder &+= 1
        let key = Self.key(e)
        if rootTaken {
            rootTaken = false
            sift(down: 0, key, e)
            return
        }
        keys.append(key)
        events.append(e)
        keys.withUnsafeMutableBufferPointer { keys in
            events.withUnsafeMutableBufferPointer { events in
                var i = keys.count - 1
                while i > 0 {
                    let parent = (i &- 1) / 4
                    guard key < keys[parent] else { break }
                    keys[i] = keys[parent]
                    events[i] = events[parent]
                    i = parent
                }
                keys[i] = key
                events[i] = e
            }
        }
    }

    /// Makes the requests in flight on an endpoint finish now, failed: its process died and its
    /// connections were reset. Rare (a crash or a kill), so a full re-heapify is fine.
    mutating func resetCompletions(service: Int32, slot: Int32, at now: Double) {
        settle()
        var changed = false
        for i in events.indices where events[i].kind == .completion && events[i].service == service && events[i].slot == slot {
            events[i].time = max(now, 0) + 0
            events[i].success = false
            keys[i] = Self.key(events[i])
            changed = true
        }
        guard changed, keys.count > 1 else { return }
        for i in stride(from: (keys.count - 2) / 4, through: 0, by: -1) { sift(down: i, keys[i], events[i]) }
    }

    /// The event due first; its place is freed by the next call.
    mutating func pop() -> SimEvent? {
        settle()
        guard let top = events.first else { return nil }
        rootTaken = true
        return top
    }

    /// Removes a popped root that no schedule has taken the place of.
    @inline(__always)
    private mutating func settle() {
        guard rootTaken else { return }
        rootTaken = false
        let lastKey = keys.removeLast(), last = events.removeLast()
        guard !keys.isEmpty else { return }
        sift(down: 0, lastKey, last)
    }

    /// Puts `e` at `start` and lets it sink to its place.
    @inline(__always)
    private mutating func sift(down start: Int, _ key: UInt128, _ e: SimEvent) {
        keys.withUnsafeMutableBufferPointer { keys in
            events.withUnsafeMutableBufferPointer { events in
                let n = keys.count
                var i = start
                while true {
                    let first = 4 &* i &+ 1
                    guard first < n else { break }
                    var best = first, bestKey = keys[first]
                    var child = first &+ 1
                    let end = min(first &+ 4, n)
                    while child < end {
                        let k = keys[child]
                        let less = k < bestKey
                        best = less ? child : best
                        bestKey = less ? k : bestKey
                        child &+= 1
                    }
                    guard bestKey < key else { break }
                    keys[i] = bestKey
                    events[i] = events[best]
                    i = best
                }
                keys[i] = key
                events[i] = e
            }
        }
    }
}
