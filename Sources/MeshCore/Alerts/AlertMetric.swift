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
    /// Days until the endpoint's TLS certificate expires, for certificates mesh-top does not
    /// renew itself (from files, not `tls: auto`).
    case certExpiryDays = "cert_expiry_days"

    /// The limits a `when:` may compare with, in the metric's unit.
    public var range: ClosedRange<Double> {
        switch self {
        case .successRate, .errorRate: 0...100
        case .p50, .p99: 0...3600
        case .rps: 0...1_000_000_000
        case .stateChanges: 0...1_000_000
        case .certExpiryDays: 0...36_500
        }
    }

    /// The limit in this metric's unit, or nil when written wrong or outside `range`.
    func value(_ raw: String) -> Double? {
        let v: Double?
        switch self {
        case .successRate, .errorRate:
            let digits = raw.hasSuffix("%") ? String(raw.dropLast()) : raw
            v = Double(digits.trimmingCharacters(in: .whitespaces))
        case .p50, .p99:
            v = MeshDuration.parse(raw)
        case .rps, .stateChanges, .certExpiryDays:
            v = Double(raw)
        }
        guard let v, range.contains(v) else { return nil }
        return v
    }

    var unitHint: String {
        switch self {
        case .successRate, .errorRate: "a percentage such as 99%"
        case .p50, .p99: "a duration such as 500ms, at most 1h"
        case .rps: "a number of requests per second, at most 1000000000"
        case .stateChanges: "a number, at most 1000000"
        case .certExpiryDays: "a number of days, at most 36500"
        }
    }

    func format(_ v: Double) -> String {
        switch self {
        case .successRate, .errorRate: Self.number(v) + "%"
        case .p50, .p99: MeshDuration.format(v)
        case .rps, .stateChanges, .certExpiryDays: Self.number(v)
        }
    }

    private static func number(_ v: Double) -> String {
        v == v.rounded() && abs(v) < 1e15 ? String(Int(v)) : String(v)
    }
}
