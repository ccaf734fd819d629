import Foundation
import Glibc
import MeshTestSupport
import Testing

/// `run` under a low `ulimit -n`: at the file-descriptor limit a listener stops accepting for a
/// while (NIO's accept backoff) instead of calling accept4 again at once for ever, one log line
/// per failure (some 10,000 a second before), and it serves again once descriptors are free.
@Suite struct FileLimitTests {
    @Test func aListenerAtTheFileLimitBacksOffAndRecovers() throws {
        let backend = try NamedBackend("b1")
        defer { backend.stop() }
        let (admin, web) = (Executable.freePort(), Executable.freePort())
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("fd-limit-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try """
            admin: 127.0.0.1:\(admin)
            services:
              - name: web
                listen: 127.0.0.1:\(web)
                health: {type: none}
                endpoints:
                  - {id: b1, address: "\(backend.address)"}

            """.write(to: directory.appendingPathComponent("mesh.yaml"), atomically: true, encoding: .utf8)
        let log = directory.appendingPathComponent("mesh.log")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", #"ulimit -n 64 && exec "$0" run --config mesh.yaml --headless --threads 1 --log mesh.log"#,
                             try Executable("mesh-top").url.path]
        process.currentDirectoryURL = directory
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        defer {
            Glibc.kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
        func served() -> Bool { (try? RawClient.get(web, timeout: 10).status) == 200 }
        #expect(Background.waitUntil(60) { served() }, "mesh-top did not serve under ulimit -n 64")

        // Far more connections than descriptors: the rest wait in the listen backlog.
        var held: [RawClient] = []
        for _ in 0..<200 { if let client = try? RawClient(port: web, timeout: 10) { held.append(client) } }
        func refusals() -> Int {
            ((try? String(contentsOf: log, encoding: .utf8)) ?? "").components(separatedBy: "cannot accept a connection").count - 1
        }
        #expect(Background.waitUntil(60) { refusals() > 0 }, "the listener never reached the limit")
        let (before, start) = (refusals(), Date())
        usleep(2_000_000)
        let seconds = Date().timeIntervalSince(start)
        let count = refusals() - before
        // One failed accept a second with the backoff; a bound 50 times that still tells a loop
        // that waits from one that spins.
        #expect(Double(count) < 50 * (seconds + 2), "\(count) failed accepts logged in \(seconds) s")

        held.removeAll()
        #expect(Background.waitUntil(60) { served() }, "the listener did not recover once descriptors were free")
    }
}
