import Foundation

/// The loopback ports one `mesh-bench proxy` run uses. The reference configs in ../shared/baseline
/// name fixed ports (backends 18081 and 18082, HAProxy 18090, nginx 18091); each run maps them to
/// ports free at its start, so two benchmarks (or a test run) on one machine do not collide.
struct BenchPorts {
    let backend1: Int
    let backend2: Int
    let haproxy: Int
    let nginx: Int
    let mesh: Int
    let meshLogged: Int

    init() throws {
        var taken = Set<Int>()
        func next() throws -> Int {
            // freePort releases its port at once, so ask until six different ones came back.
            while true {
                let port = try Loopback.freePort()
                if taken.insert(port).inserted { return port }
            }
        }
        (backend1, backend2, haproxy, nginx, mesh, meshLogged) = (try next(), try next(), try next(), try next(), try next(), try next())
    }

    var all: [Int] { [backend1, backend2, haproxy, nginx, mesh, meshLogged] }

    /// A reference config with its fixed ports replaced by this run's.
    func rewrite(_ config: String) -> String {
        [("127.0.0.1:18081", backend1), ("127.0.0.1:18082", backend2),
         ("127.0.0.1:18090", haproxy), ("127.0.0.1:18091", nginx)]
            .reduce(config) { $0.replacingOccurrences(of: $1.0, with: "127.0.0.1:\($1.1)") }
    }
}
