/// Plays a recording's events through `MeshState.apply`, forwards or by seeking to any time.
/// Seeking starts from the nearest keyframe at or before the target, so its cost is bounded by
/// the keyframe cadence, not by the length of the recording; only the span being played is
/// held (`ReplaySource`), so a recording larger than memory plays too.
public struct ReplayCursor: Sendable {
    public let initial: MeshState
    public let source: any ReplaySource
    public private(set) var state: MeshState
    /// Why the source could not give a span (a file changed or damaged since it was opened):
    /// play stops before it, until a seek lands on a span that reads again.
    public private(set) var failure: (any Error)?
    /// The span being played, its events, and the index of the next one to apply.
    private var span = 0
    private var events: [MeshEvent] = []
    private var position = 0

    public init(initial: MeshState, events: [MeshEvent]) {
        self.init(initial: initial, source: EventList(events))
    }

    public init(initial: MeshState, source: any ReplaySource) {
        self.initial = initial
        self.source = source
        state = initial
        _ = load(0)
    }

    /// Mesh time of the last event.
    public var duration: Double { source.duration }
    public var isAtEnd: Bool { failure != nil || nextTime == nil }

    /// Mesh time of the next event to apply; nil at the end.
    private var nextTime: Double? {
        if position < events.count { return events[position].t }
        return span + 1 < source.spanCount ? source.keyframeTimes[span] : nil
    }

    /// Applies every event up to and including mesh time `t`, or the first `maxEvents` of them
    /// (then the time stays at the last one applied), handing each to `each`; returns how many.
    @discardableResult
    public mutating func advance(to t: Double, maxEvents: Int = .max, each: (MeshEvent) -> Void = { _ in }) -> Int {
        // A span that failed to load is not asked for again: play stays where it stopped.
        guard failure == nil else { return 0 }
        var applied = 0
        while applied < maxEvents, let next = nextTime, next <= t {
            if position == events.count {
                // The span's own first event decides when it starts, not what the source said.
                guard load(span + 1) else { break }
                continue
            }
            let event = events[position]
            state.apply(event)
            each(event)
            position += 1
            applied += 1
        }
        let reached = failure == nil && (nextTime.map { $0 > t } ?? true)
        if reached, t > state.time { state.time = min(t, max(duration, state.time)) }
        return applied
    }

    /// Jumps to mesh time `t` (backwards or forwards).
    public mutating func seek(to t: Double) {
        rewind(toward: t)
        advance(to: max(0, t))
        state.time = max(0, t)
    }

    /// The cheap half of a seek: to the last keyframe at or before `t` (or the start) when that
    /// is nearer than where the cursor is; `advance(to: t)` does the rest, in slices if need be.
    public mutating func rewind(toward t: Double) {
        let target = max(0, t)
        // The span of the last keyframe at or before the target, by binary search.
        let times = source.keyframeTimes
        var lo = 0, hi = times.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if times[mid] <= target { lo = mid + 1 } else { hi = mid }
        }
        if lo > 0 {
            // Forward seeks within the current stretch need no reset.
            let pastKeyframe = span > lo || span == lo && position > 0
            if !(pastKeyframe && state.time <= target) { jump(to: lo) }
        } else if span > 0 || state.time > target || position > 0 && events[position - 1].t > target {
            state = initial
            _ = load(0)
        }
    }

    /// To keyframe `k`'s state, with the events pane's history as it stood there.
    private mutating func jump(to k: Int) {
        do {
            let log = try source.notableEvents(beforeSpan: k, limit: MeshState.logLength)
            guard load(k) else { return }
            state = initial
            state.log = log
            if let keyframe = events.first {
                state.apply(keyframe)
                position = 1
            }
        } catch {
            failure = error
        }
    }

    private mutating func load(_ k: Int) -> Bool {
        do {
            events = try source.events(inSpan: k)
            span = k
            position = 0
            failure = nil
            return true
        } catch {
            failure = error
            return false
        }
    }
}
