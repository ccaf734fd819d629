import Foundation
import NIOCore
import NIOPosix

/// nginx serving `/health` on a few local ports, in its own process so that its CPU is not the
/// checker's. The baseline backend config, with room for ten thousand kept-alive connections: nginx
/// starts closing idle kept-alive connections once fewer than 1/16 of `worker_connections` are
/// free, so it gets twice what it needs.
final class NginxBackends {
    let ports: [Int]
    private let directory: URL
    private let process: Process

    init(ports: [Int], connections: Int) throws {
        guard let nginx = ["/usr/sbin/nginx", "/usr/bin/nginx", "/usr/local/sbin/nginx"].first(where: FileManager.default.isExecutableFile) else {
            throw NginxError("nginx is not installed (apt-get install -y nginx)")
        }
        self.ports = ports
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("mesh-bench-nginx-\(getpid())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let dir = directory.path
        let listens = ports.map { "listen 127.0.0.1:\($0);" }.joined(separator: " ")
        let config = """
            worker_processes 1;
            worker_rlimit_nofile \(2 * connections + 1024);
            pid \(dir)/backend.pid;
            error_log \(dir)/backend-error.log warn;
            events { worker_connections \(2 * connections + 512); }
            http {
                access_log off; keepalive_requests 1000000; keepalive_timeout 65s;
                client_body_temp_path \(dir)/b_body; proxy_temp_path \(dir)/b_proxy;
                fastcgi_temp_path \(dir)/b_fastcgi; uwsgi_temp_path \(dir)/b_uwsgi; scgi_temp_path \(dir)/b_scgi;
                server {
                    \(listens)
                    location / { default_type text/plain; return 200 "hello, mesh\\n"; }
                    location = /health { default_type text/plain; return 200 "ok\\n"; }
                    location = /nginx_status { stub_status; }
                }
            }
            """
        let path = directory.appendingPathComponent("backend.conf").path
        try config.write(toFile: path, atomically: true, encoding: .utf8)
        process = Process()
        process.executableURL = URL(fileURLWithPath: nginx)
        process.arguments = ["-c", path, "-g", "daemon off;"]
        try process.run()
        try waitUntilListening()
    }

    /// Connections accepted and requests served so far, on all ports together.
    func counters() throws -> NginxCounters { try NginxCounters.read(port: ports[0]) }

    /// Stops nginx (by its PID) and removes its scratch directory.
    func stop() {
        if process.isRunning {
            process.terminate()
            process.waitUntilExit()
        }
        try? FileManager.default.removeItem(at: directory)
    }

    private func waitUntilListening() throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        defer { try? group.syncShutdownGracefully() }
        let deadline = Date().addingTimeInterval(5)
        for port in ports {
            while true {
                if let channel = try? ClientBootstrap(group: group).connect(host: "127.0.0.1", port: port).wait() {
                    try? channel.close().wait()
                    break
                }
                guard process.isRunning, Date() < deadline else {
                    stop()
                    throw NginxError("nginx did not start listening on 127.0.0.1:\(port)")
                }
                usleep(50_000)
            }
        }
    }
}

struct NginxError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
