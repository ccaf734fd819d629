import Foundation

/// Durations as operators write them: `250ms`, `1s`, `1.5s`, `2m`, `1h` (and `us`, `ns`).
public enum MeshDuration {
    /// Seconds for a duration string, or nil when it is not one.
    public static func parse(_ text: String) -> Double? {
        let s = text.trimmingCharacters(in: .whitespaces)
        let units: [(String, Double)] = [("ms", 1e-3), ("us", 1e-6), ("µs", 1e-6), ("ns", 1e-9), ("s", 1), ("m", 60), ("h", 3600)]
        for (suffix, scale) in units where s.hasSuffix(suffix) {
            let number = s.dropLast(suffix.count)
            guard !number.isEmpty, number.first != "-", number.first != "+",
                  let value = Double(number), value.isFinite, value >= 0 else { return nil }
            return value * scale
        }
        return nil
    }

    /// The shortest faithful way to write `seconds` back.
    public static func format(_ seconds: Double) -> String {
        if seconds == 0 { return "0s" }
        if seconds < 1 { return trim(seconds * 1000) + "ms" }
        if seconds < 120 || seconds.truncatingRemainder(dividingBy: 60) != 0 { return trim(seconds) + "s" }
        return trim(seconds / 60) + "m"
    }

    /// At most three decimals: `30s`, `1.5s`, `0.25s`.
    private static func trim(_ v: Double) -> String {
        let r = (v * 1000).rounded() / 1000
        return r == r.rounded() ? String(Int(r)) : String(r)
    }
}
