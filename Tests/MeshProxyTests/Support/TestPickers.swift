import MeshCore
import MeshProxy

/// Plain round robin over every host of a set, in order: a picker whose next pick a test knows.
struct RoundRobinPicker: UpstreamPicker {
    private var slots: [Int32]
    private var next = 0

    init(_ hosts: HostSet = .empty) {
        slots = hosts.groups.flatMap { $0.hosts.map(\.slot) }
    }

    mutating func update(_ hosts: HostSet) {
        slots = hosts.groups.flatMap { $0.hosts.map(\.slot) }
        if next >= slots.count { next = 0 }
    }

    mutating func pick(hash: UInt64) -> Int32? {
        guard !slots.isEmpty else { return nil }
        if next >= slots.count { next = 0 }
        defer { next += 1 }
        return slots[next]
    }

    mutating func requestStarted(slot: Int32) {}
    mutating func requestFinished(slot: Int32, latency: Double, now: Double) {}
}

/// Sticky picks for `hash_on` tests: the same hash always lands on the same host.
struct ModuloHashPicker: UpstreamPicker {
    private var slots: [Int32]

    init(_ hosts: HostSet = .empty) { slots = hosts.groups.flatMap { $0.hosts.map(\.slot) } }

    mutating func update(_ hosts: HostSet) { slots = hosts.groups.flatMap { $0.hosts.map(\.slot) } }

    mutating func pick(hash: UInt64) -> Int32? {
        slots.isEmpty ? nil : slots[Int(hash % UInt64(slots.count))]
    }

    mutating func requestStarted(slot: Int32) {}
    mutating func requestFinished(slot: Int32, latency: Double, now: Double) {}
}
