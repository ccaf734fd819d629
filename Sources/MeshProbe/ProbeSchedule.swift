import NIOCore

/// When each probe of one loop next needs attention (a check to start, a check to time out), in
/// one heap behind a single NIO timer.
///
/// Ten thousand targets mean twenty thousand timer events a second; as NIO tasks each would take
/// the loop's task lock, allocate, and sit in a heap that NIO cancels from by linear search. Here an
/// event is a struct in an array, never cancelled: a probe that re-arms bumps its ticket and the
/// old entry is skipped when it comes up. The loop wakes for the schedule at most once per
/// `coalescing`, so under load each wake-up starts a batch of checks (whose answers then also
/// arrive together) instead of one: waking up, not checking, is what costs. Nothing runs early;
/// an event is at most `coalescing` late.
final class ProbeSchedule: NIOScheduledCallbackHandler {
    private struct Entry {
        var due: Int64
        var ticket: UInt64
        var probe: Probe
    }

    static let coalescing = TimeAmount.milliseconds(10)

    private let eventLoop: any EventLoop
    private var heap: [Entry] = []
    private var timer: NIOScheduledCallback?
    private var armedAt = Int64.max
    private var lastWake = Int64.min / 2
    private var isFiring = false

    init(eventLoop: any EventLoop) { self.eventLoop = eventLoop }

    /// Calls `probe.fire(ticket:now:)` at `due` or a little later.
    func add(_ probe: Probe, at due: NIODeadline, ticket: UInt64) {
        push(Entry(due: Int64(due.uptimeNanoseconds), ticket: ticket, probe: probe))
        if !isFiring { arm() }
    }

    func removeAll() {
        heap = []
        timer?.cancel()
        timer = nil
        armedAt = .max
    }

    func handleScheduledCallback(eventLoop: some EventLoop) {
        timer = nil
        armedAt = .max
        isFiring = true
        let now = NIODeadline.now()
        lastWake = Int64(now.uptimeNanoseconds)
        while let top = heap.first, top.due <= lastWake {
            let entry = pop()
            entry.probe.fire(ticket: entry.ticket, now: now)
        }
        isFiring = false
        arm()
    }

    /// One NIO timer, at the earliest entry but not within `coalescing` of the last wake-up;
    /// moved only when an earlier entry arrives.
    private func arm() {
        guard let top = heap.first else { return }
        let at = max(top.due, lastWake + Self.coalescing.nanoseconds)
        guard at < armedAt else { return }
        timer?.cancel()
        armedAt = at
        timer = try? eventLoop.assumeIsolated().scheduleCallback(at: .uptimeNanoseconds(UInt64(max(at, 0))), handler: self)
    }

    // MARK: Binary min-heap on `due`

    private func push(_ entry: Entry) {
        heap.append(entry)
        var child = heap.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard heap[child].due < heap[parent].due else { break }
            heap.swapAt(child, parent)
            child = parent
        }
    }

    private func pop() -> Entry {
        let top = heap[0]
        let last = heap.removeLast()
        guard !heap.isEmpty else { return top }
        heap[0] = last
        var parent = 0
        while true {
            let left = 2 * parent + 1, right = left + 1
            var smallest = parent
            if left < heap.count && heap[left].due < heap[smallest].due { smallest = left }
            if right < heap.count && heap[right].due < heap[smallest].due { smallest = right }
            guard smallest != parent else { return top }
            heap.swapAt(parent, smallest)
            parent = smallest
        }
    }
}
