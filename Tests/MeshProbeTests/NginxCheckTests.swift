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
        let probe = try await TestServer()
        let port = probe.port
        try await probe.stop()
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("mesh-probe-nginx-\(getpid())-\(port)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let config = Self.backendConfig.replacingOccurrences(of: "@DIR@", with: dir.path)
            .replacingOccurrences(of: "listen 127.0.0.1:18081; listen 127.0.0.1:18082;", with: "listen 127.0.0.1:\(port);")
        let path = dir.appendingPathComponent("backend.conf").path
        try config.write(toFile: path, atomically: true, encoding: .utf8)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: nginx)
        process.arguments = ["-c", path, "-g", "daemon off;"]
        try process.run()
        defer { process.terminate(); process.waitUntilExit() }

        let harness = CheckerHarness()
        let address = try SocketAddress(ipAddress: "127.0.0.1", port: port)
        try await Task.sleep(for: .milliseconds(300))
        harness.checker.add(HealthTarget(service: 0, slot: 0, address: address, policy: HealthPolicy(path: "/health", interval: 0.1, timeout: 1)))
        harness.checker.add(HealthTarget(service: 0, slot: 1, address: address, policy: HealthPolicy(kind: .tcp, interval: 0.1, timeout: 1)))
        let results = try await harness.wait(for: 10)
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
