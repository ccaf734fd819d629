import ArgumentParser
import Foundation
import MeshCore

/// mesh-top's proxy against HAProxy and nginx on the same backends, interleaved run by run.
struct ProxyBenchmark: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "proxy",
        abstract: "Requests/s, CPU per request and added latency of mesh-top's proxy vs HAProxy and nginx."
    )

    @Option(help: "Interleaved runs per proxy (medians are reported).") var runs = 5
    @Option(help: "Length of each wrk run, e.g. 5s.") var duration = "5s"
    @Option(help: "wrk connections for the throughput runs.") var connections = 64
    @Option(help: "Event-loop threads of mesh-top's proxy; HAProxy (nbthread) and nginx (worker_processes) get as many.")
    var threads = 1
    @Option(help: "Folder of the reference configs (default: ../shared/baseline from the package root).")
    var baseline: String?
    @Flag(help: "mesh-top's proxy appends X-Forwarded-For (the references do not).") var forwardedFor = false
    @Flag(help: "TLS termination: mesh-top and HAProxy (ssl crt) with one certificate; keep-alive and new-connection rates.")
    var tls = false
    @Flag(help: "Also run a second mesh-top proxy with an access log (and request IDs), to show what one costs.")
    var accessLog = false
    @Option(help: ArgumentHelp("Another mesh-bench build whose proxy runs as a further target in the same runs, as NAME=PATH (repeatable): a before/after pair, or a build with other compiler flags.", valueName: "name=path"))
    var compare: [String] = []

    struct Target {
        let name: String
        let port: Int
        var process: BenchProcess?
    }

    func run() throws {
        guard let seconds = MeshDuration.parse(duration), seconds >= 1 else {
            throw ValidationError("--duration: expected a duration of at least 1s, like 5s")
        }
        let dir = try baselineDirectory()
        guard FileManager.default.fileExists(atPath: dir.appendingPathComponent("haproxy.cfg").path) else {
            throw ValidationError("no reference configs in \(dir.path); pass --baseline DIR")
        }
        try ensureTools()
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("mesh-bench-proxy-\(getpid())")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        var ports = try BenchPorts()
        var started: [BenchProcess] = []
        defer {
            for p in started.reversed() { p.stop() }
            try? FileManager.default.removeItem(at: scratch)
        }
        /// A reference config with its scratch folder, and the proxies' thread count when asked.
        func config(_ name: String, threads: Int? = nil) throws -> String {
            var text = try String(contentsOf: dir.appendingPathComponent(name), encoding: .utf8)
            if let threads {
                text = text.replacingOccurrences(of: "nbthread 1", with: "nbthread \(threads)")
                    .replacingOccurrences(of: "worker_processes 1;", with: "worker_processes \(threads);")
            }
            let out = scratch.appendingPathComponent(name)
            try ports.rewrite(text).replacingOccurrences(of: "@DIR@", with: scratch.path).write(to: out, atomically: true, encoding: .utf8)
            return out.path
        }
        func start(_ name: String, _ exe: String, _ args: [String], port: Int) throws -> BenchProcess {
            let p = try BenchProcess(name, exe, args, log: scratch.appendingPathComponent("\(name).log"))
            started.append(p)
            guard BenchProcess.waitForPort(port) else {
                throw ValidationError("\(name) did not start listening on \(port); see \(scratch.path)/\(name).log")
            }
            return p
        }

        _ = try start("backends", "/usr/sbin/nginx", ["-c", try config("backend-nginx.conf"), "-g", "daemon off;"], port: ports.backend2)
        if tls { return try runTLS(seconds: seconds, scratch: scratch, ports: ports, config: config, start: start) }
        let haproxy = try start("haproxy", "/usr/sbin/haproxy", ["-db", "-f", try config("haproxy.cfg", threads: threads)], port: ports.haproxy)
        let nginx = try start("nginx", "/usr/sbin/nginx", ["-c", try config("proxy-nginx.conf", threads: threads), "-g", "daemon off;"], port: ports.nginx)
        let self_ = URL(fileURLWithPath: CommandLine.arguments[0]).path
        let meshArgs = ["proxy-serve", "--listen", "127.0.0.1:\(ports.mesh)", "--backend", "127.0.0.1:\(ports.backend1)",
                        "--backend", "127.0.0.1:\(ports.backend2)", "--threads", String(threads)] + (forwardedFor ? ["--forwarded-for"] : [])
        let mesh = try start("mesh-top", Bundle.main.executablePath ?? self_, meshArgs, port: ports.mesh)

        var proxies = [Target(name: "HAProxy", port: ports.haproxy, process: haproxy),
                       Target(name: "nginx", port: ports.nginx, process: nginx),
                       Target(name: "mesh-top", port: ports.mesh, process: mesh)]
        if accessLog {
            var logged = meshArgs
            logged[2] = "127.0.0.1:\(ports.meshLogged)"
            logged += ["--access-log", scratch.appendingPathComponent("access.log").path]
            proxies.append(Target(name: "mesh+log", port: ports.meshLogged,
                                  process: try start("mesh-top+log", Bundle.main.executablePath ?? self_, logged, port: ports.meshLogged)))
        }
        for (i, entry) in compare.enumerated() {
            let parts = entry.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2, !parts[0].isEmpty, FileManager.default.isExecutableFile(atPath: parts[1]) else {
                throw ValidationError("--compare: expected NAME=PATH of an executable mesh-bench, got '\(entry)'")
            }
            let port = try ports.another()
            var args = meshArgs
            args[2] = "127.0.0.1:\(port)"
            proxies.append(Target(name: parts[0], port: port, process: try start("compare-\(i)", parts[1], args, port: port)))
        }
        let direct = Target(name: "direct", port: ports.backend1, process: nil)

        print("warming up…")
        for t in proxies { _ = try Wrk.run(url: url(t), threads: 2, connections: connections, duration: 1, latency: false) }

        var rps: [String: [Double]] = [:], cpu: [String: [Double]] = [:]
        var p50: [String: [Double]] = [:], p99: [String: [Double]] = [:]
        for run in 1...runs {
            for t in proxies {
                let before = t.process!.cpuTicks
                let r = try Wrk.run(url: url(t), threads: 2, connections: connections, duration: seconds, latency: false)
                let ticks = Double(t.process!.cpuTicks - before)
                rps[t.name, default: []].append(r.rps)
                cpu[t.name, default: []].append(r.requests > 0 ? ticks / BenchProcess.ticksPerSecond / Double(r.requests) * 1e6 : 0)
                print("run \(run)  \(pad(t.name))" + String(format: " %9.0f req/s  %5.1f µs CPU/req", r.rps, cpu[t.name]!.last!))
            }
            for t in [direct] + proxies {
                let r = try Wrk.run(url: url(t), threads: 1, connections: 1, duration: seconds, latency: true)
                p50[t.name, default: []].append(r.p50)
                p99[t.name, default: []].append(r.p99)
                print("run \(run)  \(pad(t.name))" + String(format: " -c1 p50 %6.0f µs  p99 %6.0f µs", r.p50 * 1e6, r.p99 * 1e6))
            }
        }
        report(proxies.map(\.name), rps: rps, cpu: cpu, p50: p50, p99: p99)
    }

    private func url(_ t: Target) -> String { "http://127.0.0.1:\(t.port)/" }
}
