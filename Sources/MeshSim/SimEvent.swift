/// Something due at a moment of mesh time. Small and trivially copyable: the queue of these is
/// the simulator's hot path.
struct SimEvent {
    enum Kind: UInt8 { case arrival, completion, healthCheck, timeline, tick, sample }

    var time: Double
    /// Breaks ties in order of scheduling, so runs are deterministic.
    var order: UInt64
    var kind: Kind
    var service: Int32
    var slot: Int32
    /// completion: whether it succeeded.
    var success: Bool
    /// arrival, completion: retries left for this request.
    var retriesLeft: UInt8 = 0
    /// completion: when the request started; timeline: the step index.
    var value: Double

    @inline(__always)
    static func < (a: SimEvent, b: SimEvent) -> Bool {
        a.time < b.time || (a.time == b.time && a.order < b.order)
    }
}
