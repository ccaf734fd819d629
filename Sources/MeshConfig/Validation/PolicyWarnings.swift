import MeshCore
import Yams

/// Settings that are valid but do not do what they may seem to, said by `mesh-top validate` as
/// `warning: FILE:LINE: KEY: message` lines (the file still passes).
enum PolicyWarnings {
    /// For a file that parsed: `slow_start` on a service whose balancer does not ramp. Envoy's
    /// slow start is for round robin and least request; mesh-top's covers every balancer that
    /// weighs hosts, but not ring-hash and Maglev, where each step of a ramp would move keys.
    static func warnings(yaml: String, file: String) -> [String] {
        // Warnings only: a file that does not parse gets its error from the loader.
        guard let root = (try? Yams.compose(yaml: yaml)) ?? nil,
              case .sequence(let services)? = root.mapping?["services"] else { return [] }
        var out: [String] = []
        for (i, service) in services.enumerated() {
            guard let map = service.mapping, let slowStart = map["slow_start"], slowStart.string != "0s",
                  let name = map["balancer"]?.string, let kind = BalancerKind(rawValue: name), kind.isHashing else { continue }
            let error = ConfigError(file: file, line: slowStart.mark?.line, key: "services[\(i)].slow_start",
                                    message: "\(name) does not ramp endpoints up (as in Envoy, where slow start is for "
                                        + "round-robin and least-request): a returning endpoint takes its keys back at once")
            out.append("warning: \(error)")
        }
        return out
    }
}
