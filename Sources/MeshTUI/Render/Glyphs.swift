import MeshCore

/// Every drawn symbol, in Unicode and in the `--ascii` fallback.
struct Glyphs {
    let ascii: Bool

    var expanded: String { ascii ? "v" : "▾" }
    var collapsed: String { ascii ? ">" : "▸" }
    var branch: String { ascii ? "|-" : "├ " }
    var lastBranch: String { ascii ? "`-" : "└ " }
    var pipe: String { ascii ? "| " : "│ " }
    var separator: String { ascii ? "|" : "│" }
    var arrow: String { ascii ? "->" : "→" }
    var dot: String { ascii ? "-" : "·" }
    var sortMark: String { ascii ? "v" : "▼" }
    var alertMark: String { ascii ? "!" : "▲" }
    var play: String { ascii ? ">" : "▶" }
    var pause: String { ascii ? "||" : "⏸" }

    func state(_ state: EndpointState) -> String {
        switch state {
        case .healthy: ascii ? "+" : "●"
        case .unknown: ascii ? "?" : "○"
        case .unhealthy: ascii ? "!" : "✗"
        case .ejected: ascii ? "e" : "⊘"
        case .draining: ascii ? "d" : "◐"
        case .drained: ascii ? "D" : "◌"
        case .killed: ascii ? "X" : "✕"
        }
    }

    /// How traffic to an endpoint is secured: nothing for plain, a hollow diamond for TLS, a
    /// filled one for verified mutual TLS (Linkerd's "meshed").
    func tls(_ tls: EndpointTLS?) -> String {
        switch tls?.mode {
        case nil: ""
        case .tls: ascii ? "T" : "◇"
        case .mutual: ascii ? "M" : "◆"
        }
    }

    static func role(_ state: EndpointState) -> ColorRole {
        switch state {
        case .healthy: .good
        case .unknown: .muted
        case .unhealthy, .ejected, .killed: .bad
        case .draining, .drained: .warn
        }
    }

    private static let blocks: [Unicode.Scalar] = ["▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"]
    private static let asciiLevels: [Unicode.Scalar] = ["_", ".", ",", "-", "=", "+", "*", "#"]

    /// The last `width` samples, scaled to `peak` (default: their own): the shape of recent
    /// load. Rows that share a peak (a service's endpoints) compare at a glance.
    func sparkline(_ history: some RandomAccessCollection<Float>, width: Int, peak shared: Float? = nil) -> String {
        guard width > 0, !history.isEmpty else { return "" }
        let tail = history.suffix(width)
        let peak = shared ?? tail.max() ?? 0
        let levels = ascii ? Glyphs.asciiLevels : Glyphs.blocks
        var out = String.UnicodeScalarView()
        for v in tail {
            // Saturating: an infinite peak makes the share NaN, which draws as the lowest level.
            let level = peak > 0 && v > 0 ? max(0, min(7, Int(saturating: Double(v / peak) * 7.999))) : 0
            out.append(levels[level])
        }
        return String(out)
    }

    private static let eighths: [Unicode.Scalar] = [" ", "▏", "▎", "▍", "▌", "▋", "▊", "▉"]

    /// A bar of `width` cells filled to `fraction`, in eighths; the rest is the track.
    func bar(_ fraction: Double, width: Int) -> (filled: String, track: String) {
        guard width > 0 else { return ("", "") }
        let f = fraction.isFinite ? min(1, max(0, fraction)) : 0
        if ascii {
            let n = Int((f * Double(width)).rounded())
            return (String(repeating: "#", count: n), String(repeating: ".", count: width - n))
        }
        let units = Int((f * Double(width * 8)).rounded())
        var filled = String(repeating: "█", count: units / 8)
        var used = units / 8
        if units % 8 > 0 { filled.unicodeScalars.append(Glyphs.eighths[units % 8]); used += 1 }
        return (filled, String(repeating: "·", count: width - used))
    }
}
