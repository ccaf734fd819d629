/// A binary min-heap of simulator events. Its storage grows to the peak number of pending
/// events and then stays, so scheduling allocates nothing in steady state.
struct EventQueue {
    private var heap: [SimEvent] = []
    private var nextOrder: UInt64 = 0

    var isEmpty: Bool { heap.isEmpty }
    var count: Int { heap.count }
    var nextTime: Double? { heap.first?.time }

    init() { heap.reserveCapacity(1024) }

    mutating func schedule(_ event: SimEvent) {
        var e = event
        e.order = nextOrder
        nextOrder &+= 1
        heap.append(e)
        var i = heap.count - 1
        while i > 0 {
            let parent = (i - 1) / 2
            guard e < heap[parent] else { break }
            heap[i] = heap[parent]
            i = parent
        }
        heap[i] = e
    }

    mutating func pop() -> SimEvent? {
        guard let top = heap.first else { return nil }
        let last = heap.removeLast()
        if !heap.isEmpty {
            var i = 0
            let n = heap.count
            while true {
                let l = 2 * i + 1
                guard l < n else { break }
                let r = l + 1
                let c = r < n && heap[r] < heap[l] ? r : l
                guard heap[c] < last else { break }
                heap[i] = heap[c]
                i = c
            }
            heap[i] = last
        }
        return top
    }
}
