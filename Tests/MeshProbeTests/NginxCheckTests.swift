import Foundation
import MeshCore
import MeshProbe
import NIOCore
import Testing

/// Checks against a real nginx (the baseline backend config, on a free port). Skips with a reason
/// when nginx is not installed, except in CI, where that is a failure.
struct NginxCheckTests {
    @Test func nginxBackendPassesHTTPAndTCPChecks() async throws {
        guard let nginx = ["/usr/sbin/nginx", "/usr/bin/nginx"].first(where: FileManager.default.isExecutableFile) else {
            if ProcessInfo.processInfo.environment["CI"] == "true" { Issue.record("nginx is not installed (CI=true)") }
            print("skipped: nginx is not installed (apt-get install -y nginx)")
            return
        }
        // A port outside the ephemeral range that other tests' servers get, and nginx's own
        // answer on it, so that the checks are against nginx and nothing else.
        var started: (Process, Int, URL)?
        for _ in 0..<5 where started == nil {
            let port = Int.random(in: 21_000...29_999)
            let dir = FileManager.default.temporaryDirectory.appendingPathComponent("mesh-probe-nginx-\(getpid())-\(port)")
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
            let config = Self.backendConfig.replacingOccurrences(of: "@DIR@", with: dir.path)
                .replacingOccurrences(of: "listen 127.0.0.1:18081; listen 127.0.0.1:18082;", with: "listen 127.0.0.1:\(port);")
            let path = dir.appendingPathComponent("backend.conf").path
            try config.write(toFile: path, atomically: true, encoding: .utf8)
            let process = Process()
            process.executableURL = URL(fileURLWithPath: nginx)
            process.arguments = ["-c", path, "-g", "daemon off;"]
            process.standardError = FileHandle.nullDevice
            try process.run()
            if await nginxAnswers(port: port, within: 10), process.isRunning {
                started = (process, port, dir)
            } else {
                process.terminate(); process.waitUntilExit()
                try? FileManager.default.removeItem(at: dir)
            }
        }
        let (process, port, dir) = try #require(started, "nginx never answered on a free port")
        defer {
            process.terminate(); process.waitUntilExit()
            try? FileManager.default.removeItem(at: dir)
        }

        let harness = CheckerHarness()
        let address = try SocketAddress(ipAddress: "127.0.0.1", port: port)
        harness.checker.add(HealthTarget(service: 0, slot: 0, address: address, policy: HealthPolicy(path: "/health", interval: 0.1, timeout: 1)))
        harness.checker.add(HealthTarget(service: 0, slot: 1, address: address, policy: HealthPolicy(kind: .tcp, interval: 0.1, timeout: 1)))
        let results = try await harness.wait(for: 30, within: 15)
        let http = results.filter { $0.slot == 0 }, tcp = results.filter { $0.slot == 1 }
        // The first check may race nginx's start; the rest must pass.
        #expect(http.count >= 3 && http.dropFirst().allSatisfy { $0.passed }, "\(http)")
        #expect(tcp.count >= 3 && tcp.dropFirst().allSatisfy { $0.passed }, "\(tcp)")
        try await harness.stop()
    }

    /// The baseline backend config (shared/baseline/backend-nginx.conf), moved to a free port below.
    static let backendConfig = """
        worker_processes 1;
        pid @DIR@/backend.pid;
        error_log @DIR@/backend-error.log warn;
        events { worker_connections 4096; }
        http {
            access_log off; keepalive_requests 1000000; keepalive_timeout 65s;
            client_body_temp_path @DIR@/b_body; proxy_temp_path @DIR@/b_proxy;
            fastcgi_temp_path @DIR@/b_fastcgi; uwsgi_temp_path @DIR@/b_uwsgi; scgi_temp_path @DIR@/b_scgi;
            server {
                listen 127.0.0.1:18081; listen 127.0.0.1:18082;
                location / { default_type text/plain; return 200 "hello, mesh\\n"; }
                location = /health { default_type text/plain; return 200 "ok\\n"; }
            }
        }
        """
}
