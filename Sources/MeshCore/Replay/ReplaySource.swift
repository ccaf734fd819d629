/// Where a replay's events come from, cut into spans at keyframes, so that a seek reads one
/// span (a keyframe and the events up to the next) instead of the whole run: span 0 holds the
/// events before the first keyframe, span k ≥ 1 starts with keyframe k.
public protocol ReplaySource: Sendable {
    /// Mesh time of each keyframe, ascending: `keyframeTimes[k - 1]` starts span k.
    var keyframeTimes: [Double] { get }
    /// Mesh time of the last event (0 with none).
    var duration: Double { get }
    /// Span k's events, in order.
    func events(inSpan k: Int) throws -> [MeshEvent]
    /// The last `limit` notable events (`MeshEvent.isNotable`) before span k, oldest first:
    /// the events pane's history as it stood at keyframe k, which keyframes leave out.
    func notableEvents(beforeSpan k: Int, limit: Int) throws -> [MeshEvent]
}

extension ReplaySource {
    public var spanCount: Int { keyframeTimes.count + 1 }
}
