import Foundation

/// The loopback ports one `mesh-bench proxy` or `health` run uses. The reference configs in ../shared/baseline
/// name fixed ports (backends 18081 and 18082, HAProxy 18090, nginx 18091); each run maps them to
/// ports free at its start, so two benchmarks (or a test run) on one machine do not collide.
struct BenchPorts {
    let backend1: Int
    let backend2: Int
    let haproxy: Int
    let nginx: Int
    let mesh: Int
    let meshLogged: Int

    /// Every port handed out so far.
    private var taken: Set<Int>

    init() throws {
        var taken = Set<Int>()
        (backend1, backend2, haproxy, nginx, mesh, meshLogged) = (try Self.fresh(&taken), try Self.fresh(&taken), try Self.fresh(&taken),
                                                                  try Self.fresh(&taken), try Self.fresh(&taken), try Self.fresh(&taken))
        self.taken = taken
    }

    /// A free port none of this run's others use (for a further target, `--compare`).
    mutating func another() throws -> Int { try Self.fresh(&taken) }

    /// `freePort` releases its port at once, so it may come again: ask until a new one does.
    private static func fresh(_ taken: inout Set<Int>) throws -> Int {
        while true {
            let port = try Loopback.freePort()
            if taken.insert(port).inserted { return port }
        }
    }

    /// A reference config with its fixed ports replaced by this run's.
    func rewrite(_ config: String) -> String {
        [("127.0.0.1:18081", backend1), ("127.0.0.1:18082", backend2),
         ("127.0.0.1:18090", haproxy), ("127.0.0.1:18091", nginx)]
            .reduce(config) { $0.replacingOccurrences(of: $1.0, with: "127.0.0.1:\($1.1)") }
    }
}
