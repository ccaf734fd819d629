import MeshCore

/// The topology tree flattened into rows (service → zone → endpoint) after folding, filtering and
/// sorting. Rows are small index records so that a 10,000-endpoint mesh costs one linear pass
/// plus a sort of each zone, and only the visible rows are formatted.
struct TopologyLayout {
    enum Kind: UInt8 { case service, zone, endpoint }

    struct Row {
        var kind: Kind
        var service: Int32
        /// Endpoint index for endpoint rows, zone index for zone rows.
        var item: Int32
        /// Last of its siblings: the tree draws `└` instead of `├`.
        var last: Bool
        /// The endpoint's zone is the service's last zone (or the service shows no zones).
        var lastZone: Bool
        /// The service shows a zone level.
        var zoned: Bool
    }

    private(set) var rows: [Row] = []
    /// Zone names in display order, per service index.
    private(set) var zones: [[String]]

    init(state: MeshState, view: DashboardView) {
        zones = Array(repeating: [], count: state.services.count)
        rows.reserveCapacity(state.endpointCount + state.services.count * 4)
        let needle = Array(view.filter.lowercased().utf8)
        for s in TopologyLayout.serviceOrder(state.services, by: view.sort) {
            let service = state.services[s]
            let serviceMatches = needle.isEmpty || TopologyLayout.contains(service.name, needle)
            var names = service.zones
            var buckets: [[Int32]] = Array(repeating: [], count: names.count)
            var any = false
            // By index, fields read in place: copying each endpoint out retains all its strings and arrays.
            for e in service.endpoints.indices {
                guard serviceMatches || TopologyLayout.matches(service.endpoints[e], needle) else { continue }
                any = true
                var z = 0
                while z < names.count, names[z] != service.endpoints[e].zone { z += 1 }
                if z == names.count { names.append(service.endpoints[e].zone); buckets.append([]) }
                buckets[z].append(Int32(e))
            }
            guard any || serviceMatches else { continue }
            let s32 = Int32(s)
            rows.append(Row(kind: .service, service: s32, item: -1, last: false, lastZone: false, zoned: false))
            if view.collapsed.contains(service.name) { continue }
            // Zones show when they mean something: declared, or more than one, or named at all.
            let zoned = !service.zones.isEmpty || names.count > 1 || (names.count == 1 && !names[0].isEmpty)
            zones[s] = names
            // An empty declared zone still shows (it is where failover would go), unless filtering.
            let shown = buckets.indices.filter { !buckets[$0].isEmpty || ($0 < service.zones.count && needle.isEmpty) }
            for (n, z) in shown.enumerated() {
                let lastZone = n == shown.count - 1
                if zoned {
                    rows.append(Row(kind: .zone, service: s32, item: Int32(z), last: lastZone, lastZone: lastZone, zoned: true))
                }
                let ordered = TopologyLayout.sorted(buckets[z], in: service.endpoints, by: view.sort)
                for (i, e) in ordered.enumerated() {
                    rows.append(Row(kind: .endpoint, service: s32, item: e, last: i == ordered.count - 1,
                                    lastZone: lastZone || !zoned, zoned: zoned))
                }
            }
        }
    }

    // MARK: selection

    func selection(at index: Int, in state: MeshState) -> DashboardView.Selection? {
        guard rows.indices.contains(index) else { return nil }
        let row = rows[index]
        let service = state.services[Int(row.service)]
        switch row.kind {
        case .endpoint:
            return .endpoint(EndpointRef(service: service.name, endpoint: service.endpoints[Int(row.item)].id))
        case .service, .zone:
            return .service(service.name)
        }
    }

    /// Row of a selection; a hidden endpoint falls back to its service's row.
    func index(of selection: DashboardView.Selection?, in state: MeshState) -> Int? {
        guard let selection, let s = state.services.firstIndex(where: { $0.name == selection.service }) else { return nil }
        let s32 = Int32(s)
        if let ref = selection.endpoint, let e = state.services[s].endpoints.firstIndex(where: { $0.id == ref.endpoint }) {
            let e32 = Int32(e)
            if let i = rows.firstIndex(where: { $0.kind == .endpoint && $0.service == s32 && $0.item == e32 }) { return i }
        }
        return rows.firstIndex { $0.kind == .service && $0.service == s32 }
    }

    /// Rows the cursor can rest on (zone rows are headings).
    func isSelectable(_ index: Int) -> Bool { rows[index].kind != .zone }

    // MARK: ordering

    private static func serviceOrder(_ services: [Service], by key: DashboardView.SortKey) -> [Int] {
        let indices = Array(services.indices)
        switch key {
        case .name:
            return indices.sorted { services[$0].name < services[$1].name }
        case .rps, .errors, .p99:
            let loads = services.map(\.load)
            let value: (EndpointLoad) -> Double = key == .rps ? { $0.rps } : key == .errors ? { $0.errors } : { $0.p99 }
            return indices.sorted { (value(loads[$0]), $1) > (value(loads[$1]), $0) }
        case .state:
            let trouble = services.map { s in s.endpoints.indices.reduce(0) { $0 + (s.endpoints[$1].state.isEligible ? 0 : 1) } }
            return indices.sorted { (trouble[$0], $1) > (trouble[$1], $0) }
        }
    }

    private static func sorted(_ bucket: [Int32], in endpoints: [Endpoint], by key: DashboardView.SortKey) -> [Int32] {
        switch key {
        case .name:
            if let keyed = byASCIIName(bucket, in: endpoints) { return keyed }
            // Configs usually list endpoints in order already: check before paying for a sort.
            var inOrder = true
            var i = 1
            while i < bucket.count {
                if endpoints[Int(bucket[i])].id < endpoints[Int(bucket[i - 1])].id { inOrder = false; break }
                i += 1
            }
            return inOrder ? bucket : bucket.sorted { endpoints[Int($0)].id < endpoints[Int($1)].id }
        case .rps: return byValue(bucket) { endpoints[$0].figures.rps }
        case .errors: return byValue(bucket) { endpoints[$0].figures.errors }
        case .p99: return byValue(bucket) { endpoints[$0].figures.p99 }
        case .state: return byValue(bucket) { Double(-stateRank(endpoints[$0].state)) }
        }
    }

    /// By ID, as `String`'s `<` orders them (and the stable sort above, equal IDs in mesh order),
    /// when every ID is ASCII of at most 16 bytes: then `<` compares bytes, a prefix first, which
    /// is comparing the bytes as two big-endian words padded with zeros, then the lengths. A
    /// string comparison was a third of a 10,000-endpoint frame. nil for any other ID.
    private static func byASCIIName(_ bucket: [Int32], in endpoints: [Endpoint]) -> [Int32]? {
        var keyed: [(high: UInt64, low: UInt64, length: Int, index: Int32)] = []
        keyed.reserveCapacity(bucket.count)
        var inOrder = true
        for e in bucket {
            var id = endpoints[Int(e)].id
            guard let key = id.withUTF8({ asciiKey($0) }) else { return nil }
            let next = (key.high, key.low, key.length, e)
            if let last = keyed.last, next < last { inOrder = false }
            keyed.append(next)
        }
        if inOrder { return bucket }
        keyed.sort { $0 < $1 }
        return keyed.map(\.index)
    }

    private static func asciiKey(_ bytes: UnsafeBufferPointer<UInt8>) -> (high: UInt64, low: UInt64, length: Int)? {
        guard bytes.count <= 16 else { return nil }
        var words: (UInt64, UInt64) = (0, 0)
        withUnsafeMutableBytes(of: &words) { $0.copyMemory(from: UnsafeRawBufferPointer(bytes)) }
        guard (words.0 | words.1) & 0x8080_8080_8080_8080 == 0 else { return nil }
        return (UInt64(bigEndian: words.0), UInt64(bigEndian: words.1), bytes.count)
    }

    /// Descending by a precomputed key, ties in mesh order: a stable order that does not flicker.
    private static func byValue(_ bucket: [Int32], _ value: (Int) -> Double) -> [Int32] {
        var keyed = bucket.map { (key: -value(Int($0)), index: $0) }
        keyed.sort { $0.key != $1.key ? $0.key < $1.key : $0.index < $1.index }
        return keyed.map(\.index)
    }

    /// Worst first when sorting by state.
    static func stateRank(_ state: EndpointState) -> Int {
        switch state {
        case .killed: 0
        case .unhealthy: 1
        case .ejected: 2
        case .draining: 3
        case .drained: 4
        case .unknown: 5
        case .healthy: 6
        }
    }

    // MARK: filter

    private static func matches(_ endpoint: Endpoint, _ needle: [UInt8]) -> Bool {
        contains(endpoint.id, needle) || contains(endpoint.zone, needle)
            || (endpoint.address.map { contains($0, needle) } ?? false)
            || endpoint.state.rawValue.utf8.elementsEqual(needle)
    }

    /// ASCII case-insensitive substring test without building lowered copies (10k rows per frame).
    static func contains(_ haystack: String, _ needle: [UInt8]) -> Bool {
        if needle.isEmpty { return true }
        var h = haystack
        return h.withUTF8 { bytes in
            guard bytes.count >= needle.count else { return false }
            outer: for start in 0...(bytes.count - needle.count) {
                for k in 0..<needle.count {
                    var b = bytes[start + k]
                    if b >= 65 && b <= 90 { b += 32 }
                    if b != needle[k] { continue outer }
                }
                return true
            }
            return false
        }
    }
}
