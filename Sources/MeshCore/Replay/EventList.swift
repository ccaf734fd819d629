/// A replay source held in memory: a recording read whole, or events collected in a test.
public struct EventList: ReplaySource {
    public let events: [MeshEvent]
    /// Indices of the keyframe events, in order.
    private let keyframes: [Int]
    public let keyframeTimes: [Double]

    public init(_ events: [MeshEvent]) {
        self.events = events
        keyframes = events.indices.filter { if case .keyframe = events[$0].body { true } else { false } }
        keyframeTimes = keyframes.map { events[$0].t }
    }

    public var duration: Double { events.last?.t ?? 0 }

    public func events(inSpan k: Int) -> [MeshEvent] { Array(events[range(ofSpan: k)]) }

    public func notableEvents(beforeSpan k: Int, limit: Int) -> [MeshEvent] {
        var found: [MeshEvent] = []
        var i = range(ofSpan: k).lowerBound - 1
        while i >= 0, found.count < limit {
            if events[i].isNotable { found.append(events[i]) }
            i -= 1
        }
        return found.reversed()
    }

    private func range(ofSpan k: Int) -> Range<Int> {
        (k == 0 ? 0 : keyframes[k - 1])..<(k < keyframes.count ? keyframes[k] : events.count)
    }
}
