import Foundation

/// Mesh time in seconds since the run started. Live runs read a monotonic clock; demo and tests
/// move a manual one, so the same engine runs in real time, faster, or as fast as the CPU allows.
public protocol MeshClock: Sendable {
    var now: Double { get }
}

/// Monotonic wall clock, zero at creation.
public struct RealClock: MeshClock {
    private let origin: UInt64
    public init() { origin = DispatchTime.now().uptimeNanoseconds }
    public var now: Double { Double(DispatchTime.now().uptimeNanoseconds - origin) / 1e9 }
}

/// A clock that only moves when told to. A class so that the engine and its driver share it.
public final class ManualClock: MeshClock, @unchecked Sendable {
    // Only the driving thread advances it; readers on that same thread see it.
    public private(set) var now: Double
    public init(at start: Double = 0) { now = start }
    public func advance(to time: Double) { if time > now { now = time } }
    public func advance(by seconds: Double) { now += seconds }
}
