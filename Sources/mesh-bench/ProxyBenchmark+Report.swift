import ArgumentParser
import Foundation

extension ProxyBenchmark {
    func report(_ names: [String], rps: [String: [Double]], cpu: [String: [Double]],
                p50: [String: [Double]], p99: [String: [Double]]) {
        let median = Self.median, pairedRatio = Self.pairedRatio
        let direct50 = p50["direct"] ?? [], direct99 = p99["direct"] ?? []
        print("")
        print("proxy benchmark: wrk -t2 -c\(connections) -d\(duration), \(runs) interleaved runs, \(threads) thread\(threads == 1 ? "" : "s") each")
        print("proxy      req/s (median)  ÷HAProxy  ÷nginx   CPU µs/req  ÷HAProxy   added -c1 p50 / p99")
        for name in names {
            let added50 = median(zip(p50[name] ?? [], direct50).map { $0 - $1 }) * 1e6
            let added99 = median(zip(p99[name] ?? [], direct99).map { $0 - $1 }) * 1e6
            print(pad(name, 10) + String(format: " %14.0f  %8.2f  %6.2f  %11.1f  %8.2f   %+5.0f / %+5.0f µs",
                         median(rps[name] ?? []),
                         pairedRatio(rps[name] ?? [], rps["HAProxy"] ?? []),
                         pairedRatio(rps[name] ?? [], rps["nginx"] ?? []),
                         median(cpu[name] ?? []),
                         pairedRatio(cpu[name] ?? [], cpu["HAProxy"] ?? []),
                         added50, added99))
        }
        print(String(format: "direct backend -c1: p50 %.0f µs, p99 %.0f µs", median(direct50) * 1e6, median(direct99) * 1e6))
        if names.contains("mesh+log") {
            print(String(format: "access log: req/s %.2f×, CPU µs/req %.2f× of mesh-top without one (median of the runs' ratios)",
                         pairedRatio(rps["mesh+log"] ?? [], rps["mesh-top"] ?? []),
                         pairedRatio(cpu["mesh+log"] ?? [], cpu["mesh-top"] ?? [])))
        }
    }

    /// `Measure.median`, with 0 for a proxy that measured nothing (the table prints numbers).
    static func median(_ v: [Double]) -> Double { v.isEmpty ? 0 : Measure.median(v) }

    /// Median of the run-by-run ratios: runs vary, pairs within a run do not as much.
    static func pairedRatio(_ a: [Double], _ b: [Double]) -> Double {
        median(zip(a, b).compactMap { $1 > 0 ? $0 / $1 : nil })
    }

    func pad(_ text: String, _ width: Int = 8) -> String {
        text.count >= width ? text : text + String(repeating: " ", count: width - text.count)
    }

    func baselineDirectory() throws -> URL {
        if let baseline { return URL(fileURLWithPath: baseline) }
        var dir = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
        while dir.path != "/" {
            if FileManager.default.fileExists(atPath: dir.appendingPathComponent("Package.swift").path) {
                return dir.deletingLastPathComponent().appendingPathComponent("shared/baseline")
            }
            dir.deleteLastPathComponent()
        }
        throw ValidationError("cannot find the package root; pass --baseline DIR")
    }

    /// nginx, HAProxy and wrk, installed with apt-get when one is missing.
    func ensureTools() throws {
        let tools = ["/usr/sbin/nginx", "/usr/sbin/haproxy", "/usr/bin/wrk"]
        guard tools.contains(where: { !FileManager.default.isExecutableFile(atPath: $0) }) else { return }
        print("installing nginx, haproxy and wrk…")
        let apt = Process()
        apt.executableURL = URL(fileURLWithPath: "/usr/bin/apt-get")
        apt.arguments = ["install", "-y", "-qq", "nginx", "haproxy", "wrk"]
        try apt.run()
        apt.waitUntilExit()
        if let missing = tools.first(where: { !FileManager.default.isExecutableFile(atPath: $0) }) {
            throw ValidationError("\(missing) is missing: apt-get install -y nginx haproxy wrk")
        }
    }
}
