public import MeshCore

/// The proxy's view of a balancer: one value per event loop, mutated only on that loop, so picks
/// take no lock. `MeshCore.Balancer` has exactly these methods (tests plug in simpler ones).
public protocol UpstreamPicker: Sendable {
    /// Applies a new set of eligible endpoints (membership, weight, health).
    mutating func update(_ hosts: HostSet)
    /// The slot of the endpoint for the next request or connection; nil when none is eligible.
    mutating func pick(hash: UInt64) -> Int32?
    mutating func requestStarted(slot: Int32)
    /// `latency` in seconds, NaN when the request measured nothing of the endpoint (its finish
    /// still counts); `now` in seconds on the loop's monotonic clock.
    mutating func requestFinished(slot: Int32, latency: Double, now: Double)
    /// How the picker sees `slot` now, for the operator; nil when it keeps no such view.
    func view(slot: Int32) -> BalancerView?
    /// Makes this picker and its copies (one per loop) count requests in flight together, so
    /// that each loop picks by what an endpoint carries over all loops.
    mutating func shareRequestsInFlight()
}

extension UpstreamPicker {
    public func view(slot: Int32) -> BalancerView? { nil }
    public mutating func shareRequestsInFlight() {}
}

/// The engine's balancers drive the data plane as they are: each event loop gets its own copy.
extension Balancer: UpstreamPicker {}
