import MeshCore
import Testing
@testable import MeshTUI

@Suite struct TopologyOrderTests {
    /// Sorted by name, endpoints come in `String`'s order whether their IDs take the ASCII
    /// words' path (prefixes, case, NUL, 16 bytes) or not (17 bytes, non-ASCII).
    @Test(arguments: [
        ["b", "a", "ab", "a\u{0}", "A", "a0", "endpoint-10", "endpoint-2", "zzzzzzzzzzzzzzzz", "zzzzzzzzzzzzzzz"],
        ["b", "a", "é", "e\u{301}x", "f"],
        ["sixteen-bytes-01", "seventeen-bytes-1", "sixteen-bytes-00"],
    ])
    func nameOrderIsStringOrder(ids: [String]) {
        let state = MeshState(name: "t", services: [Service(name: "web", endpoints: ids.map { Endpoint(id: $0) })])
        var view = DashboardView()
        view.sort = .name
        let layout = TopologyLayout(state: state, view: view)
        let shown = layout.rows.filter { $0.kind == .endpoint }.map { state.services[0].endpoints[Int($0.item)].id }
        #expect(shown == ids.sorted())
    }
}
