import Foundation

/// Durations as operators write them: `250ms`, `1s`, `1.5s`, `2m`, `1h` (and `us`, `ns`).
public enum MeshDuration {
    /// Seconds for a duration string, or nil when it is not one (or too large to be finite).
    public static func parse(_ text: String) -> Double? {
        seconds(text).flatMap { $0.isFinite ? $0 : nil }
    }

    /// Seconds as written, `.infinity` when the number is a duration too large for a Double
    /// (`1e308m`, `1e309s`), so that a reader can say it is out of range rather than not a
    /// duration. The number is decimal: `Double(_:)` alone would also take `0x10`, `nan`, `inf`.
    public static func seconds(_ text: String) -> Double? {
        let s = text.trimmingCharacters(in: .whitespaces)
        let units: [(String, Double)] = [("ms", 1e-3), ("us", 1e-6), ("µs", 1e-6), ("ns", 1e-9), ("s", 1), ("m", 60), ("h", 3600)]
        for (suffix, scale) in units where s.hasSuffix(suffix) {
            let number = s.dropLast(suffix.count)
            guard let first = number.unicodeScalars.first, first == "." || ("0"..."9").contains(first),
                  number.unicodeScalars.allSatisfy({ ("0"..."9").contains($0) || ".eE+-".unicodeScalars.contains($0) }),
                  let value = Double(number), !value.isNaN, value >= 0 else { return nil }
            return value * scale
        }
        return nil
    }

    /// The shortest faithful way to write `seconds` back; any value, even one out of range.
    public static func format(_ seconds: Double) -> String {
        guard seconds.isFinite else { return seconds.isNaN ? "NaN" : "\(seconds < 0 ? "-" : "")inf" }
        if seconds == 0 { return "0s" }
        if abs(seconds) < 1 { return trim(seconds * 1000) + "ms" }
        if abs(seconds) < 120 || seconds.truncatingRemainder(dividingBy: 60) != 0 { return trim(seconds) + "s" }
        if seconds.truncatingRemainder(dividingBy: 3600) == 0 { return trim(seconds / 3600) + "h" }
        return trim(seconds / 60) + "m"
    }

    /// Whole nanoseconds for a timer, saturating: NaN and negatives give 0, huge values Int64.max.
    public static func nanoseconds(_ seconds: Double) -> Int64 {
        Int64(saturating: max(0, seconds * 1e9))
    }

    /// At most three decimals: `30s`, `1.5s`, `0.25s`.
    private static func trim(_ v: Double) -> String {
        guard abs(v) < 1e15 else { return "\(v)" }
        let r = (v * 1000).rounded() / 1000
        return r == r.rounded() ? String(Int(r)) : String(r)
    }
}
