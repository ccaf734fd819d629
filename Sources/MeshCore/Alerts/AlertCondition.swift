import Foundation

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
