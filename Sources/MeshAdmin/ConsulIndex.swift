import NIOConcurrencyHelpers

/// `X-Consul-Index` for mesh-top's answers, keeping what Consul's blocking queries promise
/// (`agent/blockingquery/blockingquery.go`, `agent/http.go` `setIndex`): each distinct query
/// (route and filters) has an index that moves only forward, and only when its answer
/// changes; it is never 0. One counter for all, as Consul's Raft index is one.
final class ConsulIndex: Sendable {
    private struct Entry {
        var digest: UInt64
        var index: UInt64
    }

    private struct Table {
        var counter: UInt64 = 1
        var entries: [String: Entry] = [:]
    }

    /// Queries remembered at most; past that the table starts again (and every index moves on,
    /// which wakes blocked watchers early: harmless, as a timed-out wait is).
    static let capacity = 10_000
    /// Consul's `default_query_time` and `max_query_time`.
    static let defaultWait = 300.0
    static let maxWait = 600.0

    private let table = NIOLockedValueBox(Table())

    /// The index of `query` whose answer is now `answer`.
    func index(of query: String, answer: [UInt8]) -> UInt64 {
        let digest = Self.digest(answer)
        return table.withLockedValue { t in
            if let entry = t.entries[query], entry.digest == digest { return entry.index }
            if t.entries.count >= Self.capacity {
                t.entries.removeAll(keepingCapacity: true)
                t.counter += 1
            }
            // A query seen before moves on; a new one starts at the counter as it stands.
            if t.entries[query] != nil { t.counter += 1 }
            t.entries[query] = Entry(digest: digest, index: t.counter)
            return t.counter
        }
    }

    /// A digest of an answer, also Consul's `X-Consul-ContentHash` for hash-based blocking
    /// (`/v1/agent/service/ID`).
    static func digest(_ bytes: [UInt8]) -> UInt64 {
        // FNV-1a: stable, unlike Swift's seeded Hasher across restarts (a watcher may outlive us).
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in bytes { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01b3 }
        return hash
    }

    /// How long a blocking query waits at most: `wait`, 300 s when absent or not positive,
    /// capped at 600 s, plus up to a sixteenth more so that watchers spread out
    /// (`agent/consul/rpc.go`, `RPCQueryTimeout`, `JitterFraction`).
    static func timeout(wait: Double?, random: Double = Double.random(in: 0...1)) -> Double {
        var t = wait ?? 0
        if t > maxWait { t = maxWait } else if t <= 0 { t = defaultWait }
        return t + t / 16 * random
    }
}
