import Foundation
import MeshCore

/// What an alert's `when:` says, parsed: `success_rate < 99%`, `p99 > 500ms`, `state_changes > 4`,
/// `failover_active`, `panic`.
public enum AlertCondition: Sendable, Equatable, CustomStringConvertible {
    /// A measured value compared with a limit, in the metric's unit (see `AlertMetric`).
    case threshold(AlertMetric, AlertComparison, Double)
    /// The service's traffic has left its first preferred zone.
    case failoverActive
    /// The service is below its panic threshold.
    case panic

    /// Parses a `when:` expression; the error message says what is wrong.
    public static func parse(_ text: String) -> Result<AlertCondition, AlertExpressionError> {
        let s = text.trimmingCharacters(in: .whitespaces)
        if s == "failover_active" { return .success(.failoverActive) }
        if s == "panic" { return .success(.panic) }
        guard let op = AlertComparison.allCases.sorted(by: { $0.rawValue.count > $1.rawValue.count })
            .first(where: { s.contains($0.rawValue) }),
            let range = s.range(of: op.rawValue) else {
            return .failure(.init("'\(s)' is not a condition (expected METRIC < VALUE, e.g. success_rate < 99%, p99 > 500ms, or failover_active, panic)"))
        }
        let name = s[..<range.lowerBound].trimmingCharacters(in: .whitespaces)
        let raw = s[range.upperBound...].trimmingCharacters(in: .whitespaces)
        guard let metric = AlertMetric(rawValue: name) else {
            let all = AlertMetric.allCases.map(\.rawValue).joined(separator: ", ")
            return .failure(.init("unknown metric '\(name)' in '\(s)' (expected \(all))"))
        }
        guard let value = metric.value(raw) else {
            return .failure(.init("bad value '\(raw)' for \(name) in '\(s)' (expected \(metric.unitHint))"))
        }
        return .success(.threshold(metric, op, value))
    }

    /// Whether `measured` breaks the condition (flags are decided by their owner, not here).
    public func holds(for measured: Double) -> Bool {
        guard case .threshold(_, let op, let limit) = self else { return false }
        return op.compare(measured, limit)
    }

    /// Conditions about a service as a whole make no sense for one endpoint.
    public var appliesToEndpoints: Bool {
        switch self {
        case .failoverActive, .panic: false
        case .threshold: true
        }
    }

    public var description: String {
        switch self {
        case .failoverActive: "failover_active"
        case .panic: "panic"
        case .threshold(let m, let op, let v): "\(m.rawValue) \(op.rawValue) \(m.format(v))"
        }
    }
}

/// A `when:` expression that does not parse.
public struct AlertExpressionError: Error, Sendable, Equatable {
    public var message: String
    init(_ message: String) { self.message = message }
}

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

/// How a measured value is compared with the limit.
public enum AlertComparison: String, Sendable, Equatable, CaseIterable {
    case less = "<", lessOrEqual = "<=", greater = ">", greaterOrEqual = ">="

    public func compare(_ a: Double, _ b: Double) -> Bool {
        switch self {
        case .less: a < b
        case .lessOrEqual: a <= b
        case .greater: a > b
        case .greaterOrEqual: a >= b
        }
    }
}
