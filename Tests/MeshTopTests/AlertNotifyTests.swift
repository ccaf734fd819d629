import Foundation
import MeshTestSupport
import Testing

/// `notify:` with `format: alertmanager` against a real Alertmanager: the failover alert of the
/// zone-outage scenario arrives with its labels.
@Suite struct AlertNotifyTests {
    static let repo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    @Test func failoverAlertReachesAlertmanager() throws {
        guard let alertmanager = ["/usr/bin/prometheus-alertmanager", "/usr/bin/alertmanager", "/usr/local/bin/alertmanager"]
            .first(where: FileManager.default.isExecutableFile) else {
            if ProcessInfo.processInfo.environment["CI"] == "true" {
                Issue.record("Alertmanager is not installed (apt-get install -y prometheus-alertmanager); CI must have it")
            } else {
                print("skipped: Alertmanager is not installed (apt-get install -y prometheus-alertmanager)")
            }
            return
        }
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("notify-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        try "route:\n  receiver: \"null\"\nreceivers:\n  - name: \"null\"\n"
            .write(to: dir.appendingPathComponent("am.yml"), atomically: true, encoding: .utf8)
        let port = Executable.freePort()
        let am = Process()
        am.executableURL = URL(fileURLWithPath: alertmanager)
        am.arguments = ["--config.file=\(dir.path)/am.yml", "--storage.path=\(dir.path)/data",
                        "--web.listen-address=127.0.0.1:\(port)", "--cluster.listen-address="]
        am.standardOutput = FileHandle.nullDevice
        am.standardError = FileHandle.nullDevice
        try am.run()
        defer { am.terminate(); am.waitUntilExit() }
        let up = Date().addingTimeInterval(20)
        while !Executable.connects(port: port), Date() < up { usleep(100_000) }
        #expect(Executable.connects(port: port), "Alertmanager did not start on \(port)")

        let scenario = try String(contentsOf: Self.repo.appendingPathComponent("demo/zone-outage.yaml"), encoding: .utf8)
            + "\nnotify:\n  - {webhook: \"http://127.0.0.1:\(port)/api/v2/alerts\", format: alertmanager}\n"
        try scenario.write(to: dir.appendingPathComponent("outage.yaml"), atomically: true, encoding: .utf8)
        // Zone a fails at 20 s and comes back at 60 s: stopping at 40 s leaves the alert firing.
        let demo = try Executable("mesh-top").run(["demo", "outage.yaml", "--headless", "--speed", "20", "--duration", "40s"], in: dir)
        #expect(demo.status == 0, "\(demo.stderr)")
        #expect(demo.stdout.contains(#""name":"failover""#))

        var alerts: [[String: Any]] = []
        let deadline = Date().addingTimeInterval(10)
        repeat {
            let answer = try RawClient.get(port, "/api/v2/alerts")
            alerts = (try? JSONSerialization.jsonObject(with: Data(answer.body.utf8)) as? [[String: Any]]) ?? []
            if !alerts.isEmpty { break }
            usleep(200_000)
        } while Date() < deadline
        let labels = alerts.compactMap { $0["labels"] as? [String: String] }
        #expect(labels.contains { $0["alertname"] == "failover" && $0["subject"] == "checkout" && $0["severity"] == "warning" && $0["job"] == "mesh-top" })
    }
}
