import MeshCore

/// Numbers as the dashboard prints them: short, fixed width, no locale.
enum Format {
    /// `v` with `decimals` digits after the point, rounded half away from zero.
    static func fixed(_ v: Double, _ decimals: Int) -> String {
        guard v.isFinite else { return v.isNaN ? "-" : (v < 0 ? "-inf" : "inf") }
        var scale = 1.0
        for _ in 0..<decimals { scale *= 10 }
        let scaled = (abs(v) * scale).rounded()
        guard scaled < 9e15 else { return String(Int(saturating: v)) }
        let n = Int(scaled)
        let sign = v < 0 && n != 0 ? "-" : ""
        if decimals == 0 { return sign + String(n) }
        let p = Int(scale)
        var frac = String(n % p)
        while frac.count < decimals { frac = "0" + frac }
        return sign + String(n / p) + "." + frac
    }

    /// Requests per second in at most 6 columns.
    static func rate(_ v: Double) -> String {
        if v <= 0 { return "0" }
        if v < 10 { return fixed(v, 1) }
        if v < 100_000 { return fixed(v, 0) }
        if v < 10_000_000 { return fixed(v / 1000, 0) + "k" }
        return fixed(v / 1_000_000, 0) + "M"
    }

    /// Errors per second: small values matter, so one decimal below 10.
    static func errors(_ v: Double) -> String {
        if v <= 0 { return "0" }
        if v < 0.05 { return "<0.1" }
        return rate(v)
    }

    /// A latency in seconds, in at most 6 columns.
    static func latency(_ seconds: Double) -> String {
        let ms = seconds * 1000
        if ms <= 0 { return "-" }
        if ms < 10 { return fixed(ms, 1) + "ms" }
        if ms < 1000 { return fixed(ms, 0) + "ms" }
        if seconds < 10 { return fixed(seconds, 2) + "s" }
        return fixed(seconds, 1) + "s"
    }

    /// Mesh time as `mm:ss`, or `h:mm:ss` past an hour.
    static func clock(_ seconds: Double) -> String {
        let total = max(0, Int(saturating: seconds))
        let h = total / 3600, m = (total / 60) % 60, s = total % 60
        let mm = m < 10 ? "0\(m)" : "\(m)", ss = s < 10 ? "0\(s)" : "\(s)"
        return h > 0 ? "\(h):\(mm):\(ss)" : "\(mm):\(ss)"
    }

    /// A short age: `45s`, `12m`, `3h`.
    static func age(_ seconds: Double) -> String {
        let s = max(0, Int(saturating: seconds))
        if s < 120 { return "\(s)s" }
        if s < 7200 { return "\(s / 60)m" }
        return "\(s / 3600)h"
    }

    /// A whole number with thousands separators.
    static func grouped(_ v: Double) -> String {
        let digits = fixed(max(0, v), 0)
        var out = ""
        for (i, c) in digits.enumerated() {
            if i > 0, (digits.count - i) % 3 == 0 { out.append(",") }
            out.append(c)
        }
        return out
    }

    /// Percent with two decimals, never rounded up to 100 when something failed.
    static func percent(_ fraction: Double) -> String {
        let p = fraction * 100
        if p < 100, p > 99.99 { return "99.99%" }
        return fixed(p, p >= 100 ? 0 : 2) + "%"
    }

    /// Speed as the header shows it: `×1`, `×0.5`, `×max`.
    static func speed(_ v: Double, ascii: Bool) -> String {
        let x = ascii ? "x" : "×"
        if !v.isFinite { return x + "max" }
        return x + (v == v.rounded() ? fixed(v, 0) : v < 1 ? fixed(v, 2).replacingSuffix("0") : fixed(v, 1))
    }

    /// Cuts `text` to `width` columns, ending with an ellipsis when cut. Cuts between terminal
    /// cells, so a letter never loses its marks and a wide character (East Asian Wide, 2
    /// columns) is never halved: one that would straddle the last column before the ellipsis
    /// is left out and the ellipsis followed by a blank, so that a cut text is always exactly
    /// `width` columns (a column after it starts where it would have).
    static func fit(_ text: String, _ width: Int, ascii: Bool = false) -> String {
        guard width > 0 else { return "" }
        if CharacterWidth.of(text) <= width { return text }
        var out = String.UnicodeScalarView(), used = 0, full = false
        TerminalCells.forEach(in: text) { cell in
            // Whole clusters only: an emoji sequence is never cut between its cells.
            guard !full, used + max(cell.width, cell.clusterWidth) <= width - 1 else { full = true; return }
            out.append(cell.base); out.append(contentsOf: cell.marks); used += cell.width
        }
        return String(out) + (ascii ? "~" : "…") + String(repeating: " ", count: width - 1 - used)
    }

    /// `text` padded with spaces on the left to `width` columns.
    static func padLeft(_ text: String, _ width: Int) -> String {
        let w = CharacterWidth.of(text)
        return w >= width ? text : String(repeating: " ", count: width - w) + text
    }
}

private extension String {
    func replacingSuffix(_ c: Character) -> String {
        var s = self
        while s.last == c, s.contains(".") { s.removeLast() }
        if s.last == "." { s.removeLast() }
        return s
    }
}
