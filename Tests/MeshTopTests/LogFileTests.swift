import Foundation
import MeshTestSupport
import Testing

/// mesh-top's own log: what goes wrong while it runs (here a webhook nobody answers) is in
/// `--log FILE`, on stderr in a headless run without one, and in `.mesh-top/logs/mesh-top.log`
/// beside the scenario behind the dashboard.
@Suite struct LogFileTests {
    static let repo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    let dir: URL = {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("log-\(UUID().uuidString)")
        try? FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir
    }()
    /// Nothing listens there.
    let deadPort = Executable.freePort()

    /// The zone-outage scenario (a failover alert at 20 s) notifying a webhook nobody answers.
    func scenario() throws -> String {
        let text = try String(contentsOf: Self.repo.appendingPathComponent("demo/zone-outage.yaml"), encoding: .utf8)
            + "\nnotify:\n  - {webhook: \"http://127.0.0.1:\(deadPort)/hook\", format: json}\n"
        try text.write(to: dir.appendingPathComponent("outage.yaml"), atomically: true, encoding: .utf8)
        return dir.appendingPathComponent("outage.yaml").path
    }

    var webhookLine: String { "notify: http://127.0.0.1:\(deadPort)/hook cannot be reached" }

    @Test func aFailingWebhookIsInTheLogFile() throws {
        let log = dir.appendingPathComponent("logs/mesh-top.log")
        let demo = try Executable("mesh-top").run(["demo", try scenario(), "--headless", "--speed", "max", "--duration", "40s",
                                                   "--log", log.path])
        #expect(demo.status == 0, "\(demo.stderr)")
        let lines = try String(contentsOf: log, encoding: .utf8).split(separator: "\n")
        let line = lines.first { $0.contains(webhookLine) }
        #expect(line != nil, "\(lines)")
        #expect(line?.contains(" warning mesh-top:") == true, "swift-log's line: time, level, label: \(line ?? "")")
        #expect(line?.contains("alerts will keep being sent to it") == true)
        #expect(!demo.stderr.contains(webhookLine), "the log took it, not stderr")
    }

    @Test func headlessWithoutLogWritesToStderr() throws {
        let demo = try Executable("mesh-top").run(["demo", try scenario(), "--headless", "--speed", "max", "--duration", "40s"])
        #expect(demo.status == 0)
        #expect(demo.stderr.contains(webhookLine), "\(demo.stderr)")
        #expect(!demo.stdout.contains(webhookLine), "stdout stays the event stream")
    }

    @Test func logLevelLeavesOutWhatIsLessSevere() throws {
        let log = dir.appendingPathComponent("quiet.log")
        let demo = try Executable("mesh-top").run(["demo", try scenario(), "--headless", "--speed", "max", "--duration", "40s",
                                                   "--log", log.path, "--log-level", "error"])
        #expect(demo.status == 0, "\(demo.stderr)")
        let text = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
        #expect(!text.contains(webhookLine), "a warning is below error: \(text)")
    }

    @Test func aLogThatCannotBeWrittenIsOneLine() throws {
        let demo = try Executable("mesh-top").run(["demo", "--headless", "--duration", "1s", "--log", "/proc/mesh-top.log"])
        #expect(demo.status == 1)
        #expect(demo.stderr == "mesh-top: --log /proc/mesh-top.log: cannot write: No such file or directory\n", "\(demo.stderr)")
    }

    @Test(.enabled(if: Tmux.usable("tmux")))
    func behindTheDashboardTheLogIsBesideTheScenario() throws {
        let scenario = try scenario()
        let tmux = try Tmux(columns: 100, rows: 30, directory: dir)
        defer { tmux.kill() }
        try tmux.type("\(try Executable("mesh-top").url.path) demo \(scenario) --speed 100 --duration 40s; echo EXIT=$?", enter: true)
        let log = dir.appendingPathComponent(".mesh-top/logs/mesh-top.log")
        let logged = Background.waitUntil(60) {
            ((try? String(contentsOf: log, encoding: .utf8)) ?? "").contains(webhookLine)
        }
        #expect(logged, "\(log.path): \((try? String(contentsOf: log, encoding: .utf8)) ?? "missing")")
        try tmux.key("q")
        let quit = try tmux.waitFor(30) { $0.contains("EXIT=") }
        #expect(quit.ok && !quit.screen.contains(webhookLine), "the terminal stays the dashboard's: \(quit.screen)")
    }
}
