import Foundation

/// How a service's offered load varies over mesh time.
public enum TrafficPattern: Sendable, Equatable {
    case steady
    /// rps × (1 + amplitude × sin(2πt / period)).
    case sine(period: Double, amplitude: Double)
    /// rps × factor between `start` and `start + length`, rps otherwise.
    case spike(start: Double, length: Double, factor: Double)

    /// Requests per second at mesh time `t` for a base rate.
    public func rate(_ base: Double, at t: Double) -> Double {
        switch self {
        case .steady: base
        case .sine(let period, let amplitude): max(0, base * (1 + amplitude * sin(2 * .pi * t / period)))
        case .spike(let start, let length, let factor): t >= start && t < start + length ? base * factor : base
        }
    }
}
