import NIOCore

/// When each probe of one loop next needs attention (a check to start, a check to time out), in
/// one heap behind a single NIO timer.
///
/// Ten thousand targets mean twenty thousand timer events a second; as NIO tasks each would take
/// the loop's task lock, allocate, and sit in a heap that NIO cancels from by linear search. Here an
/// event is a plain value in an array (a probe's slot, not a reference: moving entries up and down
/// the heap then costs no reference counting), never cancelled: a probe that re-arms takes a new
/// ticket and the old entry is skipped when it comes up. Tickets are unique across the loop, so
/// an old entry for a slot that has since been given to another probe is skipped too. The loop
/// wakes for the schedule at most once per `coalescing`, so under load each wake-up starts a batch
/// of checks (whose answers then also arrive together) instead of one: waking up, not checking, is
/// what costs. Nothing runs early; an event is at most `coalescing` late.
final class ProbeSchedule: NIOScheduledCallbackHandler {
    private struct Entry {
        var due: Int64
        var ticket: UInt64
        var slot: Int32
    }

    static let coalescing = TimeAmount.milliseconds(10)

    private let eventLoop: any EventLoop
    private var heap: [Entry] = []
    /// Probes by slot; nil for a slot given back.
    private var probes: [Probe?] = []
    private var freeSlots: [Int32] = []
    private var lastTicket: UInt64 = 0
    private var timer: NIOScheduledCallback?
    private var armedAt = Int64.max
    private var lastWake = Int64.min / 2
    private var isFiring = false

    init(eventLoop: any EventLoop) { self.eventLoop = eventLoop }

    /// A slot for a new probe, to be given back with `leave` when the probe is removed.
    func enroll(_ probe: Probe) -> Int32 {
        if let slot = freeSlots.popLast() {
            probes[Int(slot)] = probe
            return slot
        }
        probes.append(probe)
        return Int32(probes.count - 1)
    }

    func leave(_ slot: Int32) {
        probes[Int(slot)] = nil
        freeSlots.append(slot)
    }

    /// Calls the slot's `probe.fire(ticket:now:)` at `due` or a little later. Returns the ticket
    /// that call will carry; any earlier ticket of the slot is thereby out of date.
    func add(slot: Int32, at due: NIODeadline) -> UInt64 {
        lastTicket &+= 1
        push(Entry(due: Int64(due.uptimeNanoseconds), ticket: lastTicket, slot: slot))
        if !isFiring { arm() }
        return lastTicket
    }

    func removeAll() {
        heap = []
        probes = []
        freeSlots = []
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
            probes[Int(entry.slot)]?.fire(ticket: entry.ticket, now: now)
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
        // Fails only on a loop that is shutting down, and its checks with it.
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
