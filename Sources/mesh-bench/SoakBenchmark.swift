import ArgumentParser
import Foundation
import MeshCore
import NIOConcurrencyHelpers

/// `mesh-bench soak`: `mesh-top run` (the real binary) in front of one good and four faulty
/// origins under sustained load, with its resident memory read before, during and after each
/// round. Memory per connection and per request must follow configuration, not traffic: after
/// each round RSS comes back near where it started, round after round.
struct SoakBenchmark: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "soak",
        abstract: "RSS of mesh-top run before, during and after load through good and faulty origins."
    )

    @Option(help: "Rounds of load.") var rounds = 3
    @Option(help: "Length of each round, e.g. 20s.") var duration = "20s"
    @Option(help: "Concurrent clients.") var clients = 32
    @Option(help: "Idle keep-alive connections opened at the end, to measure memory per connection.")
    var idleConnections = 1000

    func run() throws {
        guard let seconds = MeshDuration.parse(duration), seconds >= 1 else {
            throw ValidationError("--duration: expected a duration of at least 1s, like 20s")
        }
        let meshTop = URL(fileURLWithPath: Bundle.main.executablePath ?? CommandLine.arguments[0])
            .deletingLastPathComponent().appendingPathComponent("mesh-top")
        guard FileManager.default.isExecutableFile(atPath: meshTop.path) else {
            throw ValidationError("\(meshTop.path) is missing: swift build -c release --product mesh-top")
        }
        let origins = try SoakOrigins()
        defer { origins.stop() }
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("mesh-bench-soak-\(getpid())")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: scratch) }

        var listens: [SoakOrigin: Int] = [:]
        var yaml = "admin: 127.0.0.1:\(try Loopback.freePort())\nservices:\n"
        for kind in SoakOrigin.allCases {
            let port = try Loopback.freePort()
            listens[kind] = port
            yaml += """
                  - name: \(kind.rawValue)
                    listen: 127.0.0.1:\(port)
                    health: {type: none}
                    outlier: false
                    retries: 0
                    timeouts: {connect: 1s, request: 1s}
                    drain_timeout: 2s
                    endpoints: [{id: \(kind.rawValue)-1, address: "127.0.0.1:\(origins.ports[kind]!)"}]

                """
        }
        try yaml.write(to: scratch.appendingPathComponent("soak.yaml"), atomically: true, encoding: .utf8)
        let mesh = try BenchProcess("mesh-top", meshTop.path, ["run", "--config", scratch.appendingPathComponent("soak.yaml").path,
                                                                "--headless", "--threads", "2"],
                                    log: scratch.appendingPathComponent("mesh-top.log"))
        defer { mesh.stop() }
        for port in listens.values where !BenchProcess.waitForPort(port) {
            throw ValidationError("mesh-top did not listen on \(port)")
        }

        let load = SoakLoad(ports: listens)
        print("warming up…")
        _ = load.run(clients: clients, seconds: 2)
        Thread.sleep(forTimeInterval: 3)
        let before = Self.rss(mesh.pid)
        print("soak: mesh-top run, 5 origins (good, HTTP/1.0, 1 MiB header, half response, silent), \(clients) clients, \(rounds) × \(duration)")
        print("round  requests   200    502    504   cut   RSS before → peak → after (MiB)")
        var last = before
        for round in 1...rounds {
            let start = Self.rss(mesh.pid)
            let peak = Peak(start)
            let pid = mesh.pid
            let sampler = Thread {
                while !Thread.current.isCancelled {
                    peak.see(Self.rss(pid))
                    Thread.sleep(forTimeInterval: 0.25)
                }
            }
            sampler.start()
            let endings = load.run(clients: clients, seconds: seconds)
            sampler.cancel()
            // Past the upstream idle timeout, so pooled connections are gone too.
            Thread.sleep(forTimeInterval: 3)
            last = Self.rss(mesh.pid)
            let total = endings.values.reduce(0, +)
            print(String(format: "%5d  %8d  %5d  %5d  %5d  %4d   %6.1f → %6.1f → %6.1f", round, total,
                         endings[.ok] ?? 0, endings[.badGateway] ?? 0, endings[.timeout] ?? 0, endings[.cut] ?? 0,
                         Self.mib(start), Self.mib(peak.value), Self.mib(last)))
        }

        // Memory per idle keep-alive client connection (one request answered on each), twice: the
        // second time reuses what the first left to the allocator, rather than adding to it.
        var end = last
        for pass in 1...2 {
            let idleBefore = Self.rss(mesh.pid)
            var sockets: [SoakSocket] = []
            for _ in 0..<idleConnections {
                guard let socket = SoakSocket(port: listens[.good]!) else { break }
                _ = socket.exchange("GET / HTTP/1.1\r\nHost: soak\r\n\r\n")
                sockets.append(socket)
            }
            Thread.sleep(forTimeInterval: 1)
            let held = Self.rss(mesh.pid)
            let opened = sockets.count
            sockets.removeAll()
            Thread.sleep(forTimeInterval: 3)
            end = Self.rss(mesh.pid)
            print(String(format: "idle connections, pass %d: %d held %.1f KiB each (RSS %.1f MiB); all closed: RSS %.1f MiB",
                         pass, opened, Double(held - idleBefore) / Double(max(1, opened)), Self.mib(held), Self.mib(end)))
        }
        print(String(format: "RSS before the first round %.1f MiB, after the last %.1f MiB (%+.1f MiB), at the end %.1f MiB",
                     Self.mib(before), Self.mib(last), Self.mib(last - before), Self.mib(end)))
    }

    /// Resident set of `pid`, KiB (VmRSS in /proc/PID/status).
    static func rss(_ pid: Int32) -> Int {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
              let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") }) else { return 0 }
        return line.split(separator: " ").compactMap { Int($0) }.first ?? 0
    }

    static func mib(_ kib: Int) -> Double { Double(kib) / 1024 }
}

/// The largest RSS a sampler thread has seen.
final class Peak: Sendable {
    private let largest: NIOLockedValueBox<Int>
    init(_ start: Int) { largest = NIOLockedValueBox(start) }
    func see(_ value: Int) { largest.withLockedValue { $0 = max($0, value) } }
    var value: Int { largest.withLockedValue { $0 } }
}
