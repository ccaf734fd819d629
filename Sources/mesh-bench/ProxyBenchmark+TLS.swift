import ArgumentParser
import Foundation
import MeshTLS

/// `mesh-bench proxy --tls`: TLS termination, mesh-top against HAProxy (`bind … ssl crt`) with
/// the same ECDSA P-256 certificate and the same plain backends, interleaved run by run.
/// Two rates: keep-alive requests/s (the cost of encryption) and requests/s with
/// `Connection: close` (every request a new connection, so a full handshake: new TLS
/// connections per second).
extension ProxyBenchmark {
    func runTLS(seconds: Double, scratch: URL, ports: BenchPorts, config: (String, Int?) throws -> String,
                start: (String, String, [String], Int) throws -> BenchProcess) throws {
        let ca = try CertificateAuthority.create(in: scratch.appendingPathComponent("ca").path)
        let cert = try ca.issue(name: "bench", into: scratch.appendingPathComponent("certs").path,
                                dnsNames: ["localhost"], ipAddresses: ["127.0.0.1"])
        // HAProxy's `crt` takes the certificate and its key in one file.
        let bundle = scratch.appendingPathComponent("bench-haproxy.pem").path
        try (String(contentsOfFile: cert.certificate, encoding: .utf8) + String(contentsOfFile: cert.key, encoding: .utf8))
            .write(toFile: bundle, atomically: true, encoding: .utf8)
        let plain = try String(contentsOfFile: try config("haproxy.cfg", threads), encoding: .utf8)
        let haproxyConfig = scratch.appendingPathComponent("haproxy-tls.cfg").path
        try plain.replacingOccurrences(of: "bind 127.0.0.1:\(ports.haproxy)", with: "bind 127.0.0.1:\(ports.haproxy) ssl crt \(bundle)")
            .write(toFile: haproxyConfig, atomically: true, encoding: .utf8)
        let haproxy = try start("haproxy", "/usr/sbin/haproxy", ["-db", "-f", haproxyConfig], ports.haproxy)
        let meshArgs = ["proxy-serve", "--listen", "127.0.0.1:\(ports.mesh)", "--backend", "127.0.0.1:\(ports.backend1)",
                        "--backend", "127.0.0.1:\(ports.backend2)", "--threads", String(threads),
                        "--tls-cert", cert.certificate, "--tls-key", cert.key]
        let mesh = try start("mesh-top", Bundle.main.executablePath ?? CommandLine.arguments[0], meshArgs, ports.mesh)
        let proxies = [Target(name: "HAProxy", port: ports.haproxy, process: haproxy), Target(name: "mesh-top", port: ports.mesh, process: mesh)]
        func url(_ t: Target) -> String { "https://127.0.0.1:\(t.port)/" }

        print("warming up…")
        for t in proxies { _ = try Wrk.run(url: url(t), threads: 2, connections: connections, duration: 1, latency: false) }
        var keepAlive: [String: [Double]] = [:], handshakes: [String: [Double]] = [:], cpu: [String: [Double]] = [:]
        for run in 1...runs {
            for t in proxies {
                let before = t.process!.cpuTicks
                let r = try Wrk.run(url: url(t), threads: 2, connections: connections, duration: seconds, latency: false)
                let ticks = Double(t.process!.cpuTicks - before)
                keepAlive[t.name, default: []].append(r.rps)
                cpu[t.name, default: []].append(r.requests > 0 ? ticks / BenchProcess.ticksPerSecond / Double(r.requests) * 1e6 : 0)
                let n = try Wrk.run(url: url(t), threads: 2, connections: connections, duration: seconds, latency: false,
                                    headers: ["Connection: close"])
                handshakes[t.name, default: []].append(n.rps)
                print("run \(run)  \(pad(t.name))" + String(format: " keep-alive %9.0f req/s  %5.1f µs CPU/req   new connections %7.0f /s",
                                                            r.rps, cpu[t.name]!.last!, n.rps))
            }
        }
        reportTLS(proxies.map(\.name), keepAlive: keepAlive, handshakes: handshakes, cpu: cpu)
    }

    func reportTLS(_ names: [String], keepAlive: [String: [Double]], handshakes: [String: [Double]], cpu: [String: [Double]]) {
        print("")
        print("TLS proxy benchmark: wrk -t2 -c\(connections) -d\(duration) over https, \(runs) interleaved runs, \(threads) thread\(threads == 1 ? "" : "s") each")
        print("proxy      keep-alive req/s  ÷HAProxy   CPU µs/req  ÷HAProxy   new TLS conn/s  ÷HAProxy")
        for name in names {
            print(pad(name, 10) + String(format: " %16.0f  %8.2f  %11.1f  %8.2f   %14.0f  %8.2f",
                                         Self.median(keepAlive[name] ?? []), Self.pairedRatio(keepAlive[name] ?? [], keepAlive["HAProxy"] ?? []),
                                         Self.median(cpu[name] ?? []), Self.pairedRatio(cpu[name] ?? [], cpu["HAProxy"] ?? []),
                                         Self.median(handshakes[name] ?? []), Self.pairedRatio(handshakes[name] ?? [], handshakes["HAProxy"] ?? [])))
        }
    }
}
