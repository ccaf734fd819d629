import Foundation
import Testing

/// The reliability cases (../shared/reliability-cases r01, r03, r05, r13) against the real
/// binary, each input made here: refused in one line naming file, line and key, or run; never a
/// hang, a trap or an orphan, and after a crash the terminal is back.
@Suite struct ReliabilityCaseTests {
    let dir: URL = {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("reliability-\(UUID().uuidString)")
        try? FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir
    }()

    func write(_ name: String, _ text: String) throws {
        try text.write(to: dir.appendingPathComponent(name), atomically: true, encoding: .utf8)
    }

    func run(_ arguments: [String]) throws -> Executable.Result {
        try Executable("mesh-top").run(arguments, in: dir)
    }

    /// r01: a 405-byte scenario whose keys are nested aliases kept validate busy for minutes.
    @Test func r01AliasBombKeysAreRefusedAtOnce() throws {
        var lines = ["name: x"]
        for level in 0..<9 {
            let item = level == 0 ? "lol" : "*a\(level - 1)"
            lines.append("? &a\(level) [" + Array(repeating: item, count: 9).joined(separator: ",") + "]\n: \(level)")
        }
        try write("bomb.yaml", (lines + ["services: []"]).joined(separator: "\n") + "\n")
        for arguments in [["validate", "bomb.yaml"], ["demo", "bomb.yaml", "--headless", "--speed", "max"]] {
            let r = try run(arguments)
            #expect(r.status == 1)
            #expect(r.stderr.hasSuffix("bomb.yaml:14: more than 1000000 nodes once its aliases are expanded (an alias bomb?)\n"), "\(r.stderr)")
            #expect(r.stderr.split(separator: "\n").count == 1)
        }
    }

    /// r03: durations far out of range passed validate; run then trapped and left its
    /// supervised backend running.
    @Test(arguments: [
        ("health: {type: http, path: /, interval: 1e20s}", "services[0].health.interval: must be at most 1h, got 1e20s"),
        ("health: {type: http, path: /, timeout: 1e308m}", "services[0].health.timeout: must be at most 1h, got 1e308m"),
        ("timeouts: {connect: 1e20s}", "services[0].timeouts.connect: must be at most 1h, got 1e20s"),
        ("timeouts: {request: 1e20s}", "services[0].timeouts.request: must be at most 24h, got 1e20s"),
        ("outlier: {base_ejection: 1e20s}", "services[0].outlier.base_ejection: must be at most 24h, got 1e20s"),
    ] as [(String, String)])
    func r03HugeDurationsAreRefusedAndStartNothing(setting: String, message: String) throws {
        let marker = "86399.\(Int.random(in: 100_000...999_999))"
        try write("mesh.yaml", """
            admin: 127.0.0.1:\(Executable.freePort())
            services:
              - name: web
                listen: 127.0.0.1:\(Executable.freePort())
                protocol: http
                \(setting)
                endpoints:
                  - {id: web-1, address: 127.0.0.1:\(Executable.freePort()), command: "sleep \(marker)"}
            """)
        let validate = try run(["validate", "mesh.yaml"])
        #expect(validate.status == 1)
        #expect(validate.stderr == "mesh.yaml:6: \(message)\n")
        let live = try run(["run", "--config", "mesh.yaml", "--headless", "--duration", "2s"])
        #expect(live.status == 1)
        #expect(live.stderr == "mesh-top: mesh.yaml:6: \(message)\n")
        #expect(Background.processes(containing: "sleep \(marker)").isEmpty)
    }

    /// r05: a recording whose first sample has numbers out of range passed validate; replay trapped.
    @Test func r05SampleNumbersOutOfRangeAreRefusedByValidateAndReplayAlike() throws {
        let record = try run(["demo", ScenarioStoryTests.root.appendingPathComponent("demo/zone-outage.yaml").path,
                              "--headless", "--speed", "max", "--duration", "10s", "--record", "base.jsonl"])
        #expect(record.status == 0, "\(record.stderr)")
        let base = try String(contentsOf: dir.appendingPathComponent("base.jsonl"), encoding: .utf8)
        let lines = base.components(separatedBy: "\n")
        let i = try #require(lines.firstIndex { $0.contains(#""type":"sample""#) })
        for (key, value) in [("rps", "1e19"), ("rps", "-1e19"), ("errors", "1e308"), ("t", "-1e19")] {
            var edited = lines
            let pattern = try Regex("\"\(key)\":[^,}]+")
            let found = try #require(edited[i].firstMatch(of: pattern))
            edited[i].replaceSubrange(found.range, with: "\"\(key)\":\(value)")
            try write("bad.jsonl", edited.joined(separator: "\n"))
            let validate = try run(["validate", "bad.jsonl"])
            let replay = try run(["replay", "bad.jsonl", "--headless", "--speed", "max"])
            #expect(validate.status == 1 && replay.status == 1)
            #expect(validate.stderr.hasPrefix("bad.jsonl:\(i + 1): "), "\(validate.stderr)")
            #expect(replay.stderr == "mesh-top: " + validate.stderr, "one reader, one message")
            #expect(validate.stderr.split(separator: "\n").count == 1)
        }
        // The unedited file still replays.
        #expect(try run(["replay", "base.jsonl", "--headless", "--speed", "max"]).status == 0)
    }

    /// A replay asked to run longer than its recording ends with the recording.
    @Test func aDurationPastTheRecordingsEndEndsTheReplay() throws {
        let replay = try Background(["replay", ScenarioStoryTests.root.appendingPathComponent("demo/zone-outage.jsonl").path,
                                     "--headless", "--speed", "max", "--duration", "100000s"])
        #expect(replay.exitStatus(within: 60) == 0, "\(replay.stderr)")
        #expect(replay.stderr.contains("mesh time 90"))
    }

    /// r13: a fatal error under the dashboard filled the screen with a backtrace and an
    /// interactive prompt, and left the terminal without echo. A SIGILL from outside takes the
    /// same path as a Swift trap (the runtime raises SIGILL).
    @Test(.enabled(if: Tmux.usable("tmux")))
    func r13ACrashUnderTheDashboardRestoresTheTerminalInOneLine() throws {
        let marker = "86398.\(Int.random(in: 100_000...999_999))"
        let config = "crash-\(UUID().uuidString.prefix(8)).yaml"
        try write(config, """
            admin: 127.0.0.1:\(Executable.freePort())
            services:
              - name: web
                listen: 127.0.0.1:\(Executable.freePort())
                health: {type: tcp, interval: 1s}
                endpoints:
                  - {id: web-1, address: 127.0.0.1:\(Executable.freePort()), command: "sleep \(marker)"}
            """)
        let tmux = try Tmux(columns: 100, rows: 30, directory: dir)
        defer { tmux.kill() }
        let binary = try Executable("mesh-top").url.path
        try tmux.type("stty -a > stty.before; \(binary) run --config \(config); echo EXIT=$?; stty -a > stty.after", enter: true)
        #expect(try tmux.waitFor(30) { $0.contains("web-1") && $0.contains("LIVE") }.ok)
        #expect(Background.waitUntil(30) { !Background.processes(containing: "sleep \(marker)").isEmpty })
        let meshTop = try #require(Background.processes(containing: config).first)
        kill(meshTop, SIGILL)
        let after = try tmux.waitFor(30) { $0.range(of: "EXIT=[0-9]", options: .regularExpression) != nil }
        #expect(after.ok)
        #expect(after.screen.contains("mesh-top: internal error: SIGILL"))
        #expect(!after.screen.contains("Press space") && !after.screen.contains("Backtrac") && !after.screen.contains("crashed:"))
        #expect(after.screen.contains("EXIT=132"))
        #expect(Background.waitUntil(30) { FileManager.default.fileExists(atPath: dir.appendingPathComponent("stty.after").path) })
        let before = try String(contentsOf: dir.appendingPathComponent("stty.before"), encoding: .utf8)
        #expect(Background.waitUntil(10) {
            (try? String(contentsOf: dir.appendingPathComponent("stty.after"), encoding: .utf8)) == before
        }, "the terminal's modes are as they were (echo, icanon)")
        #expect(Background.waitUntil(30) { Background.processes(containing: "sleep \(marker)").isEmpty }, "no orphan")
    }
}
