import Foundation
import MeshCore

/// The figures of `mesh-bench scale` as a log-log SVG: endpoints across, and up each cost per unit
/// of its work (per pick or change of state for those, per endpoint for the rest) relative to the smallest mesh. A
/// flat line is a cost that grows with the work; a rising line grows faster than it.
struct ScaleChart {
    struct Series {
        var name: String
        /// Cost per unit of work at each row's endpoint count, in the series' own unit.
        var values: [Double]
        var color: String
    }

    let rows: [ScaleBenchmark.Row]
    let series: [Series]

    init(rows: [ScaleBenchmark.Row], kinds: [BalancerKind]) {
        self.rows = rows
        let palette = ["#1f77b4", "#aec7e8", "#17becf", "#9edae5", "#7f7f7f", "#c7c7c7", "#bcbd22"]
        let perEndpoint: (KeyPath<ScaleBenchmark.Row, Double>) -> [Double] = { key in
            rows.map { $0[keyPath: key] / Double($0.endpoints) }
        }
        var series = kinds.enumerated().map { index, kind in
            Series(name: "pick, \(kind.rawValue)", values: rows.map { $0.picks[kind] ?? .nan }, color: palette[index % palette.count])
        }
        series.append(Series(name: "frame 200x60, per endpoint", values: perEndpoint(\.frameSeconds), color: "#2ca02c"))
        series.append(Series(name: "state bytes per endpoint", values: rows.map(\.bytesPerEndpoint), color: "#d62728"))
        series.append(Series(name: "sample, per endpoint", values: perEndpoint(\.sampleSeconds), color: "#ff7f0e"))
        series.append(Series(name: "change of state, per change", values: rows.map(\.stateChangeSeconds), color: "#8c564b"))
        series.append(Series(name: "recording bytes per endpoint-hour", values: rows.map(\.recordingBytesPerEndpointHour),
                             color: "#9467bd"))
        self.series = series
    }

    /// Relative values of a series: each over the first, so every line starts at 1.
    private func relative(_ s: Series) -> [Double] { s.values.map { $0 / s.values[0] } }

    func svg() -> String {
        let (width, height) = (760.0, 440.0)
        let (left, right, top, bottom) = (70.0, 250.0, 30.0, 50.0)
        let plotW = width - left - right, plotH = height - top - bottom
        let xs = rows.map { log10(Double($0.endpoints)) }
        let (xMin, xMax) = (xs.min() ?? 0, max((xs.max() ?? 1), (xs.min() ?? 0) + 1))
        let finite = series.flatMap(relative).filter { $0.isFinite && $0 > 0 }.map(log10)
        let yMin = floor(min(finite.min() ?? -1, -1)), yMax = ceil(max(finite.max() ?? 1, 1))
        func x(_ v: Double) -> Double { left + (v - xMin) / (xMax - xMin) * plotW }
        func y(_ v: Double) -> Double { top + (yMax - v) / (yMax - yMin) * plotH }
        func f(_ v: Double) -> String { String(format: "%.1f", v) }

        var out = """
            <svg xmlns="http://www.w3.org/2000/svg" width="\(Int(width))" height="\(Int(height))" \
            viewBox="0 0 \(Int(width)) \(Int(height))" font-family="sans-serif" font-size="12">
            <rect width="100%" height="100%" fill="white"/>
            <text x="\(f(left))" y="18" font-size="14">How cost grows: cost per unit of work, relative to \(rows.first?.endpoints ?? 0) endpoints (log-log)</text>

            """
        for decade in stride(from: yMin, through: yMax, by: 1) {
            let label = decade >= 0 ? "\(Int(pow(10, decade)))x" : "1/\(Int(pow(10, -decade)))"
            out += "<line x1=\"\(f(left))\" y1=\"\(f(y(decade)))\" x2=\"\(f(left + plotW))\" y2=\"\(f(y(decade)))\" "
                + "stroke=\"\(decade == 0 ? "#555" : "#ddd")\" \(decade == 0 ? "stroke-dasharray=\"6 4\"" : "")/>\n"
            out += "<text x=\"\(f(left - 8))\" y=\"\(f(y(decade) + 4))\" text-anchor=\"end\">\(label)</text>\n"
        }
        for (row, v) in zip(rows, xs) {
            out += "<line x1=\"\(f(x(v)))\" y1=\"\(f(top))\" x2=\"\(f(x(v)))\" y2=\"\(f(top + plotH))\" stroke=\"#eee\"/>\n"
            out += "<text x=\"\(f(x(v)))\" y=\"\(f(top + plotH + 18))\" text-anchor=\"middle\">\(row.endpoints.formatted())</text>\n"
        }
        out += "<text x=\"\(f(left + plotW / 2))\" y=\"\(f(height - 8))\" text-anchor=\"middle\">endpoints</text>\n"
        out += "<text x=\"\(f(left + 6))\" y=\"\(f(y(0) - 6))\" fill=\"#555\">flat: grows with the work</text>\n"
        for (index, s) in series.enumerated() {
            let points = zip(xs, relative(s)).filter { $0.1.isFinite && $0.1 > 0 }
                .map { "\(f(x($0.0))),\(f(y(log10($0.1))))" }.joined(separator: " ")
            out += "<polyline fill=\"none\" stroke=\"\(s.color)\" stroke-width=\"2\" points=\"\(points)\"/>\n"
            let ly = top + 30 + Double(index) * 18
            out += "<line x1=\"\(f(left + plotW + 10))\" y1=\"\(f(ly))\" x2=\"\(f(left + plotW + 30))\" y2=\"\(f(ly))\" "
                + "stroke=\"\(s.color)\" stroke-width=\"3\"/>\n"
            out += "<text x=\"\(f(left + plotW + 36))\" y=\"\(f(ly + 4))\">\(s.name)</text>\n"
        }
        return out + "</svg>\n"
    }
}
