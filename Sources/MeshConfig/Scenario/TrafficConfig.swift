import Foundation

/// Simulated client load on one service (`traffic:`).
public struct TrafficConfig: Sendable, Equatable {
    /// How the request rate moves over mesh time.
    public enum Pattern: Sendable, Equatable {
        /// `rps` all the time.
        case steady
        /// `rps × (1 + amplitude × sin(2πt / period))`; `period:` (default 60s), `amplitude:` 0...1 (default 0.5).
        case sine(period: Double, amplitude: Double)
        /// `rps`, but `peak` rps from `at` for `length`; `at:` (default 30s), `length:` (default 10s),
        /// `peak:` (default 3 × rps).
        case spike(at: Double, length: Double, peak: Double)
    }

    public var service: String
    /// Base requests per second.
    public var rps: Double
    public var pattern: Pattern

    public init(service: String, rps: Double, pattern: Pattern = .steady) {
        self.service = service; self.rps = rps; self.pattern = pattern
    }

    /// The highest rate the pattern reaches, requests per second.
    public var peakRPS: Double {
        switch pattern {
        case .steady: rps
        case .sine(_, let amplitude): rps * (1 + amplitude)
        case .spike(_, _, let peak): max(rps, peak)
        }
    }

    /// The request rate at mesh time `t` seconds.
    public func rps(at t: Double) -> Double {
        switch pattern {
        case .steady: rps
        case .sine(let period, let amplitude): max(0, rps * (1 + amplitude * sin(2 * .pi * t / period)))
        case .spike(let at, let length, let peak): (at..<(at + length)).contains(t) ? peak : rps
        }
    }
}

extension TrafficConfig {
    init(_ field: Field, services: Set<String>) throws(ConfigError) {
        let map = try field.object(["service", "rps", "pattern", "period", "amplitude", "at", "length", "peak"])
        let s = try map.required("service")
        service = try s.text()
        guard services.contains(service) else { throw s.error("no service named '\(service)' in this scenario") }
        let r = try map.required("rps")
        rps = try r.number(in: ConfigLimits.rps, "rps")
        let name = try map["pattern"]?.string() ?? "steady"
        let own: [String]
        switch name {
        case "steady":
            pattern = .steady; own = []
        case "sine":
            let amplitude = try map["amplitude"]?.fraction() ?? 0.5
            let period = try map["period"]?.duration(in: ConfigLimits.sinePeriod) ?? 60
            pattern = .sine(period: period, amplitude: amplitude); own = ["period", "amplitude"]
        case "spike":
            let peak = try map["peak"]?.number(in: ConfigLimits.rps, "peak") ?? rps * 3
            let at = try map["at"]?.duration(in: ConfigLimits.meshTime) ?? 30
            let length = try map["length"]?.duration(in: ConfigLimits.scenarioDuration) ?? 10
            pattern = .spike(at: at, length: length, peak: peak)
            own = ["at", "length", "peak"]
        default:
            throw map.fields["pattern"]!.error("unknown pattern '\(name)' (expected steady, sine or spike)")
        }
        for key in ["period", "amplitude", "at", "length", "peak"] where !own.contains(key) {
            try map.refuse(key, because: "\(key) is not used by pattern \(name)")
        }
    }
}
