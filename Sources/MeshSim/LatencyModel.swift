import Foundation
public import MeshCore

/// A log-normal latency distribution fitted to a p50 and a p99, the two figures operators know.
public struct LatencyModel: Sendable, Equatable {
    /// z-score of the 99th percentile of a standard normal.
    static let z99 = 2.326_347_874

    let mu: Double
    let sigma: Double

    public init(p50: Double, p99: Double) {
        let median = max(p50, 1e-6)
        mu = log(median)
        sigma = p99 > median ? log(p99 / median) / Self.z99 : 0
    }

    /// One latency draw, in seconds (Box–Muller on two uniforms).
    @inline(__always)
    public func sample(_ random: inout SeededRandom) -> Double {
        guard sigma > 0 else { return exp(mu) }
        let u1 = max(random.unit(), 1e-300), u2 = random.unit()
        let z = (-2 * log(u1)).squareRoot() * cos(2 * Double.pi * u2)
        return exp(mu + sigma * z)
    }

    /// One latency draw, in seconds, from a standard normal draw `z` (see `NormalDraws`).
    @inline(__always)
    public func sample(standardNormal z: Double) -> Double {
        exp(mu + sigma * z)
    }
}
