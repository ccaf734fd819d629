import MeshCore
import Testing
@testable import MeshTUI

/// Names cut to their column by terminal width (East Asian Wide and emoji take 2 columns,
/// combining marks none): a cut always shows the ellipsis, never halves a wide character or a
/// cluster, and takes exactly the column's width. A 16-character Chinese service name was cut
/// without "…" in the topology.
@Suite struct TruncationTests {
    static let cjk16 = "\u{652F}\u{4ED8}\u{670D}\u{52A1}\u{7F51}\u{5173}\u{8BA2}\u{5355}\u{5E93}\u{5B58}\u{7528}\u{6237}\u{8BA4}\u{8BC1}\u{65E5}\u{5FD7}"

    /// Golden cuts: (text, width, ascii, what it becomes).
    static let cuts: [(String, Int, Bool, String)] = [
        ("checkout-service", 10, false, "checkout-…"),
        ("checkout", 8, false, "checkout"),
        ("checkout", 1, false, "…"),
        ("checkout", 0, false, ""),
        (cjk16, 32, false, cjk16),
        (cjk16, 15, false, "\u{652F}\u{4ED8}\u{670D}\u{52A1}\u{7F51}\u{5173}\u{8BA2}…"),
        // The eighth character would straddle the last column: left out, a blank after the ellipsis.
        (cjk16, 16, false, "\u{652F}\u{4ED8}\u{670D}\u{52A1}\u{7F51}\u{5173}\u{8BA2}… "),
        (cjk16, 2, false, "… "),
        (cjk16, 5, true, "\u{652F}\u{4ED8}~"),
        ("e\u{301}te\u{301}-service", 4, false, "e\u{301}te\u{301}…"),
        ("a\u{308}\u{304}bc", 2, false, "a\u{308}\u{304}…"),
        ("\u{1F680}\u{1F680}api", 4, false, "\u{1F680}… "),
        ("\u{1F680}\u{1F680}api", 5, false, "\u{1F680}\u{1F680}…"),
        // A family (three wide cells joined) is never cut between its cells.
        ("\u{1F468}\u{200D}\u{1F469}\u{200D}\u{1F467}x", 4, false, "…   "),
        ("\u{1F468}\u{200D}\u{1F469}\u{200D}\u{1F467}x", 7, false, "\u{1F468}\u{200D}\u{1F469}\u{200D}\u{1F467}x"),
    ]

    @Test(arguments: cuts.indices)
    func aCutShowsTheEllipsisAndTakesTheWidth(_ i: Int) {
        let (text, width, ascii, golden) = Self.cuts[i]
        let fitted = Format.fit(text, width, ascii: ascii)
        #expect(fitted == golden, "\(text) in \(width)")
        let cut = CharacterWidth.of(text) > width
        #expect(CharacterWidth.of(fitted) == (cut ? width : CharacterWidth.of(text)), "\(text) in \(width)")
        #expect(fitted.contains(ascii ? "~" : "…") == (cut && width > 0), "\(text) in \(width)")
    }

    /// Services, zones and endpoints named in Chinese, with combining marks and with emoji, in
    /// the topology and the graph at two widths: each cut name ends in "…" and the columns after
    /// it start where they do for ASCII names.
    @Test(arguments: [(80, 24), (60, 20)])
    func namesInTheTopologyAndGraphAreCutWithAnEllipsis(_ cols: Int, _ rows: Int) {
        var state = MeshState(name: "widths", source: "demo", services: [
            Service(name: Self.cjk16, endpoints: [Endpoint(id: Self.cjk16 + "-1", zone: "\u{6771}\u{4EAC}\u{30BE}\u{30FC}\u{30F3}\u{30A8}\u{30FC}\u{30B9}\u{30C8}\u{30A2}\u{30B8}\u{30A2}")]),
            Service(name: "cafe\u{301}-\u{1F680}\u{1F680}\u{1F680}\u{1F680}\u{1F680}\u{1F680}\u{1F680}\u{1F680}\u{1F680}\u{1F680}",
                    endpoints: [Endpoint(id: "plain-endpoint-with-a-long-name-1")]),
        ])
        state.apply(MeshEvent(seq: 1, t: 1, body: .endpointState(StateChange(
            endpoint: EndpointRef(service: Self.cjk16, endpoint: Self.cjk16 + "-1"), from: .unknown, to: .healthy, reason: "check passed"))))
        for graph in [false, true] {
            var view = DashboardView()
            view.graph = graph
            let buffer = render(DashboardFrame(state: state, status: Fixtures.demo, view: view), size: (cols, rows))
            assertSnapshot(buffer.text, named: "names-\(graph ? "graph" : "topology")-\(cols)x\(rows)")
            let lines = buffer.text.split(separator: "\n", omittingEmptySubsequences: false)
            // Service rows, and the zone's: each name is too long for its column.
            let cut = lines.filter { $0.hasPrefix(" \u{25BE} ") || $0.contains("zone \u{6771}") }
            #expect(cut.count == 3, "\(buffer.text)")
            for row in cut { #expect(row.contains("…"), "cut without an ellipsis: \(row)") }
        }
    }
}
