public import MeshCore

/// The proxy's view of a balancer: one value per event loop, mutated only on that loop, so picks
/// take no lock. `MeshCore.Balancer` has exactly these methods.
public protocol UpstreamPicker: Sendable {
    /// Applies a new set of eligible endpoints (membership, weight, health).
    mutating func update(_ hosts: HostSet)
    /// The slot of the endpoint for the next request or connection; nil when none is eligible.
    mutating func pick(hash: UInt64) -> Int32?
    mutating func requestStarted(slot: Int32)
    /// `latency` in seconds, `now` in seconds on the loop's monotonic clock.
    mutating func requestFinished(slot: Int32, latency: Double, now: Double)
    /// How the picker sees `slot` now, for the operator; nil when it keeps no such view.
    func view(slot: Int32) -> BalancerView?
}

extension UpstreamPicker {
    public func view(slot: Int32) -> BalancerView? { nil }
}

/// Plain round robin over every host of a set: for tests and until a real balancer is plugged in.
public struct RoundRobinPicker: UpstreamPicker {
    private var slots: [Int32]
    private var next = 0

    public init(_ hosts: HostSet = .empty) {
        slots = hosts.groups.flatMap { $0.hosts.map(\.slot) }
    }

    public mutating func update(_ hosts: HostSet) {
        slots = hosts.groups.flatMap { $0.hosts.map(\.slot) }
        if next >= slots.count { next = 0 }
    }

    public mutating func pick(hash: UInt64) -> Int32? {
        guard !slots.isEmpty else { return nil }
        if next >= slots.count { next = 0 }
        defer { next += 1 }
        return slots[next]
    }

    public mutating func requestStarted(slot: Int32) {}
    public mutating func requestFinished(slot: Int32, latency: Double, now: Double) {}
}

/// Sticky picks for `hash_on` tests: the same hash always lands on the same host.
public struct ModuloHashPicker: UpstreamPicker {
    private var slots: [Int32]

    public init(_ hosts: HostSet = .empty) { slots = hosts.groups.flatMap { $0.hosts.map(\.slot) } }

    public mutating func update(_ hosts: HostSet) { slots = hosts.groups.flatMap { $0.hosts.map(\.slot) } }

    public mutating func pick(hash: UInt64) -> Int32? {
        slots.isEmpty ? nil : slots[Int(hash % UInt64(slots.count))]
    }

    public mutating func requestStarted(slot: Int32) {}
    public mutating func requestFinished(slot: Int32, latency: Double, now: Double) {}
}
