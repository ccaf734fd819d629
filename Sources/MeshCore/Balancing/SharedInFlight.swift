import Synchronization

/// Requests in flight per slot, one count that every copy of a balancer reads and writes: the
/// data plane keeps one balancer per event loop, and a loop that counted only its own requests
/// saw an endpoint busy on another loop as idle. Least-request then split a 400 : 100 service
/// about 50 : 50 at four concurrent clients, since each loop's light host was "idle" whenever its
/// own one request sat on the heavy one. HAProxy's `served` and Envoy's `rq_active` are likewise
/// one count per host across all worker threads.
///
/// Counts live in chunks of 1,024 allocated as slots appear (slots only grow); a chunk once
/// published never moves, so a pick reads a count with two loads and no lock. Relaxed order: a
/// count read a moment late only makes one pick as good as a per-loop count was.
public final class SharedInFlight: Sendable {
    static let chunkShift = 10
    static let chunkSize = 1 << chunkShift
    /// 4,194,304 slots: far more endpoints than one service can hold.
    static let chunkLimit = 4_096

    private typealias Chunk = UnsafeMutablePointer<Atomic<Int32>>
    /// `chunkLimit` chunk pointers, nil until the chunk is made.
    nonisolated(unsafe) private let chunks: UnsafeMutablePointer<Atomic<Chunk?>>
    /// Serializes making chunks (loops update their copies concurrently).
    private let growing = Mutex(0)

    public init() {
        chunks = .allocate(capacity: Self.chunkLimit)
        for i in 0..<Self.chunkLimit { (chunks + i).initialize(to: Atomic<Chunk?>(nil)) }
    }

    deinit {
        for i in 0..<Self.chunkLimit {
            if let chunk = chunks[i].load(ordering: .acquiring) {
                chunk.deinitialize(count: Self.chunkSize)
                chunk.deallocate()
            }
        }
        chunks.deinitialize(count: Self.chunkLimit)
        chunks.deallocate()
    }

    /// Makes slots `0..<count` countable (at most 4,194,304; more are not counted).
    func grow(to count: Int) {
        let needed = min(Self.chunkLimit, (count + Self.chunkSize - 1) >> Self.chunkShift)
        growing.withLock { made in
            while made < needed {
                let chunk = Chunk.allocate(capacity: Self.chunkSize)
                for i in 0..<Self.chunkSize { (chunk + i).initialize(to: Atomic<Int32>(0)) }
                chunks[made].store(chunk, ordering: .releasing)
                made += 1
            }
        }
    }

    @inline(__always)
    private func counter(_ slot: Int) -> Chunk? {
        let index = slot >> Self.chunkShift
        guard slot >= 0, index < Self.chunkLimit,
              let chunk = chunks[index].load(ordering: .acquiring) else { return nil }
        return chunk + (slot & (Self.chunkSize - 1))
    }

    /// Requests in flight on `slot` over every copy; 0 for a slot never grown to.
    @inline(__always)
    func count(_ slot: Int) -> Int32 {
        counter(slot)?.pointee.load(ordering: .relaxed) ?? 0
    }

    @inline(__always)
    func start(_ slot: Int) {
        counter(slot)?.pointee.wrappingAdd(1, ordering: .relaxed)
    }

    /// One request fewer, never below 0 (a finish without its start, say across a restart).
    @inline(__always)
    func finish(_ slot: Int) {
        guard let counter = counter(slot) else { return }
        var current = counter.pointee.load(ordering: .relaxed)
        while current > 0 {
            let (done, seen) = counter.pointee.compareExchange(expected: current, desired: current - 1, ordering: .relaxed)
            if done { return }
            current = seen
        }
    }
}
