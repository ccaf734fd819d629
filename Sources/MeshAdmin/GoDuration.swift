import Foundation

/// Durations as Consul reads and writes them: Go's `time.ParseDuration` and `Duration.String`
/// (`1m30s`, `500ms`, `1.5h`, `10s`), and in request bodies also a number of nanoseconds
/// (`agent/structs/check_type.go`, `CheckType.UnmarshalJSON`).
enum GoDuration {
    private static let units: [(String, Double)] = [
        ("ns", 1e-9), ("us", 1e-6), ("\u{00B5}s", 1e-6), ("\u{03BC}s", 1e-6), ("ms", 1e-3), ("s", 1), ("m", 60), ("h", 3600),
    ]

    /// Seconds, or nil for text Go would refuse. A sign is allowed, as in Go; `0` needs no unit.
    static func parse(_ text: String) -> Double? {
        var rest = Substring(text)
        var sign = 1.0
        if let first = rest.first, first == "-" || first == "+" {
            sign = first == "-" ? -1 : 1
            rest = rest.dropFirst()
        }
        if rest == "0" { return 0 }
        guard !rest.isEmpty else { return nil }
        var total = 0.0
        while !rest.isEmpty {
            let number = rest.prefix { $0.isASCII && ($0.isNumber || $0 == ".") }
            guard !number.isEmpty, number != ".", number.filter({ $0 == "." }).count <= 1,
                  let value = Double(number.hasPrefix(".") ? "0" + number : String(number)) else { return nil }
            rest = rest.dropFirst(number.count)
            guard let (unit, scale) = units.filter({ rest.hasPrefix($0.0) }).max(by: { $0.0.count < $1.0.count }) else { return nil }
            rest = rest.dropFirst(unit.count)
            total += value * scale
        }
        guard total.isFinite else { return nil }
        return sign * total
    }

    /// Go's `Duration.String`: `0s`, `500ms`, `1.5s`, `1m30s`, `1h0m0s`.
    static func format(_ seconds: Double) -> String {
        if seconds == 0 { return "0s" }
        if seconds < 0 { return "-" + format(-seconds) }
        if seconds < 1 {
            if seconds >= 1e-3 { return trim(seconds * 1e3) + "ms" }
            if seconds >= 1e-6 { return trim(seconds * 1e6) + "\u{00B5}s" }
            return trim(seconds * 1e9) + "ns"
        }
        let hours = Int(seconds / 3600)
        let minutes = Int((seconds - Double(hours) * 3600) / 60)
        let secs = seconds - Double(hours) * 3600 - Double(minutes) * 60
        if hours > 0 { return "\(hours)h\(minutes)m\(trim(secs))s" }
        if minutes > 0 { return "\(minutes)m\(trim(secs))s" }
        return trim(secs) + "s"
    }

    /// Up to nine decimals, no trailing zeros.
    private static func trim(_ v: Double) -> String {
        let r = (v * 1e9).rounded() / 1e9
        if r == r.rounded() { return String(Int(r)) }
        var s = String(format: "%.9f", r)
        while s.hasSuffix("0") { s.removeLast() }
        return s
    }
}
