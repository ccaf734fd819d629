/// Plays a list of events through `MeshState.apply`, forwards or by seeking to any time. Seeking starts
/// from the nearest keyframe at or before the target, so its cost is bounded by the keyframe
/// cadence, not by the length of the recording.
public struct ReplayCursor: Sendable {
    public let initial: MeshState
    public let events: [MeshEvent]
    /// Indices of keyframe events, in order.
    private let keyframes: [Int]
    public private(set) var state: MeshState
    /// Index of the next event to apply.
    public private(set) var position: Int

    public init(initial: MeshState, events: [MeshEvent]) {
        self.initial = initial
        self.events = events
        keyframes = events.indices.filter { if case .keyframe = events[$0].body { true } else { false } }
        state = initial
        position = 0
    }

    /// Mesh time of the last event.
    public var duration: Double { events.last?.t ?? 0 }
    public var isAtEnd: Bool { position == events.count }

    /// Applies every event up to and including mesh time `t`, or the first `maxEvents` of them
    /// (then the time stays at the last one applied); returns the range applied.
    @discardableResult
    public mutating func advance(to t: Double, maxEvents: Int = .max) -> Range<Int> {
        let start = position
        while position < events.count, events[position].t <= t, position - start < maxEvents {
            state.apply(events[position])
            position += 1
        }
        let reached = position == events.count || events[position].t > t
        if reached, t > state.time { state.time = min(t, max(duration, state.time)) }
        return start..<position
    }

    /// The events pane's history as it stood just before event `index` (keyframes leave it out).
    private func recentNotableEvents(before index: Int) -> [MeshEvent] {
        var found: [MeshEvent] = []
        var i = index - 1
        while i >= 0, found.count < MeshState.logLength {
            if events[i].isNotable { found.append(events[i]) }
            i -= 1
        }
        return found.reversed()
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
        // Last keyframe at or before the target, by binary search.
        var lo = 0, hi = keyframes.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if events[keyframes[mid]].t <= target { lo = mid + 1 } else { hi = mid }
        }
        if lo > 0 {
            let k = keyframes[lo - 1]
            // Forward seeks within the current stretch need no reset.
            if !(position > k && state.time <= target) {
                state = initial
                state.log = recentNotableEvents(before: k)
                state.apply(events[k])
                position = k + 1
            }
        } else if state.time > target || position > 0 && events[position - 1].t > target {
            state = initial
            position = 0
        }
    }
}
