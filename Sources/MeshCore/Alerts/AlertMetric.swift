import Foundation

/// The measured values an alert can compare.
public enum AlertMetric: String, Sendable, Equatable, CaseIterable {
    /// Percent of requests that succeeded, 0...100 (`99%`).
    case successRate = "success_rate"
    /// Percent of requests that failed, 0...100 (`1%`).
    case errorRate = "error_rate"
    /// Latency percentiles in seconds (`500ms`).
    case p50, p99
    /// Requests per second.
    case rps
    /// Endpoint state changes counted over the rule's `within:`.
    case stateChanges = "state_changes"

    /// The limit in this metric's unit, or nil when written wrong.
    func value(_ raw: String) -> Double? {
        switch self {
        case .successRate, .errorRate:
            let digits = raw.hasSuffix("%") ? String(raw.dropLast()) : raw
            guard let v = Double(digits.trimmingCharacters(in: .whitespaces)), (0...100).contains(v) else { return nil }
            return v
        case .p50, .p99:
            return MeshDuration.parse(raw)
        case .rps, .stateChanges:
            guard let v = Double(raw), v.isFinite, v >= 0 else { return nil }
            return v
        }
    }

    var unitHint: String {
        switch self {
        case .successRate, .errorRate: "a percentage such as 99%"
        case .p50, .p99: "a duration such as 500ms"
        case .rps, .stateChanges: "a number"
        }
    }

    func format(_ v: Double) -> String {
        switch self {
        case .successRate, .errorRate: (v == v.rounded() ? String(Int(v)) : String(v)) + "%"
        case .p50, .p99: MeshDuration.format(v)
        case .rps, .stateChanges: v == v.rounded() ? String(Int(v)) : String(v)
        }
    }
}
