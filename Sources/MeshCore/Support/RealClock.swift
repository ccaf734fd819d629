import Foundation

/// Mesh time of a live run: a monotonic clock in seconds, zero at creation. Demo and replay
/// keep their own virtual time (the simulator's event queue, the recording's events).
public struct RealClock: Sendable {
    private let origin: UInt64
    public init() { origin = DispatchTime.now().uptimeNanoseconds }
    public var now: Double { Double(DispatchTime.now().uptimeNanoseconds - origin) / 1e9 }
}
