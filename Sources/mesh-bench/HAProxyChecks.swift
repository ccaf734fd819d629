import Foundation

/// The reference: HAProxy (one thread) checking the same targets with the same interval and
/// timeout, in its own process. Its HTTP checks open a connection per check (HTTP/1.0, as HAProxy
/// does by default); its TCP checks connect and abort, like ours.
final class HAProxyChecks {
    private let process: BenchProcess
    private let directory: URL

    init(targets: Int, ports: [Int], kind: String, interval: Double, timeout: Double, listen: Int) throws {
        guard let haproxy = ["/usr/sbin/haproxy", "/usr/bin/haproxy", "/usr/local/sbin/haproxy"].first(where: FileManager.default.isExecutableFile) else {
            throw NginxError("haproxy is not installed (apt-get install -y haproxy)")
        }
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("mesh-bench-haproxy-\(getpid())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let ms = { (seconds: Double) in "\(Int((seconds * 1000).rounded()))ms" }
        var config = """
            global
                nbthread 1
                maxconn 2000
            defaults
                mode \(kind == "http" ? "http" : "tcp")
                timeout connect \(ms(timeout))
                timeout check \(ms(timeout))
                timeout client 30s
                timeout server 30s
            frontend fe_checks
                bind 127.0.0.1:\(listen)
                default_backend be_checks
            backend be_checks
            \(kind == "http" ? "    option httpchk GET /health\n" : "")    default-server check inter \(ms(interval)) rise 2 fall 3

            """
        for i in 0..<targets { config += "    server s\(i) 127.0.0.1:\(ports[i % ports.count])\n" }
        let path = directory.appendingPathComponent("haproxy-checks.cfg")
        try config.write(to: path, atomically: true, encoding: .utf8)
        process = try BenchProcess("haproxy", haproxy, ["-db", "-f", path.path], log: directory.appendingPathComponent("haproxy.log"))
        guard BenchProcess.waitForPort(listen) else {
            let log = (try? String(contentsOf: directory.appendingPathComponent("haproxy.log"), encoding: .utf8)) ?? ""
            stop()
            throw NginxError("haproxy did not start: " + (log.split(separator: "\n").first(where: { $0.contains("ALERT") }).map(String.init) ?? "no output"))
        }
    }

    /// CPU seconds HAProxy has used so far.
    var cpuSeconds: Double { Double(process.cpuTicks) / BenchProcess.ticksPerSecond }

    func stop() {
        process.stop()
        try? FileManager.default.removeItem(at: directory)
    }
}
