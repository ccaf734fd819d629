/// Something kept in a `Registry`, remembering where, so removal is O(1).
protocol Registered: AnyObject {
    var registryIndex: Int { get set }
}

/// An unordered set of live objects of one loop (connections, relays), for kill, drain and timeouts.
struct Registry<Element: Registered> {
    private(set) var elements: [Element] = []

    var count: Int { elements.count }

    mutating func add(_ element: Element) {
        guard element.registryIndex < 0 else { return }
        element.registryIndex = elements.count
        elements.append(element)
    }

    mutating func remove(_ element: Element) {
        let i = element.registryIndex
        guard i >= 0, i < elements.count, elements[i] === element else { return }
        let last = elements.removeLast()
        if i < elements.count {
            elements[i] = last
            last.registryIndex = i
        }
        element.registryIndex = -1
    }
}
