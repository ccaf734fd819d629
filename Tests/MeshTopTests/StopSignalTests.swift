import Foundation
import Testing

/// Every wait has an exit: SIGINT, SIGTERM and `q` are taken however busy the simulator is, a
/// second signal stops at once, and supervised processes end with mesh-top, thousands of them
/// included, even when mesh-top is killed outright.
@Suite struct StopSignalTests {
    let dir: URL = {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("stop-\(UUID().uuidString)")
        try? FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir
    }()

    /// As heavy as a scenario may be: a million simulated requests a second, checks every 10 ms.
    func heavyScenario() throws -> String {
        let endpoints = (1...200).map { "      - {id: e\($0), latency: {p50: 5ms, p99: 20ms}}" }.joined(separator: "\n")
        try """
            name: heavy
            services:
              - name: web
                health: {interval: 10ms}
                endpoints:
            \(endpoints)
            traffic:
              - {service: web, rps: 1000000}
            """.write(to: dir.appendingPathComponent("heavy.yaml"), atomically: true, encoding: .utf8)
        return dir.appendingPathComponent("heavy.yaml").path
    }

    /// `count` supervised endpoints running `sleep MARKER`, no checks, on loopback.
    func supervisedConfig(count: Int, marker: String) throws -> String {
        let endpoints = (1...count).map {
            "      - {id: e\($0), address: 127.0.0.1:\(20_000 + $0), command: \"sleep \(marker)\"}"
        }.joined(separator: "\n")
        let admin = Executable.freePort()
        var listen = Executable.freePort()
        while listen == admin { listen = Executable.freePort() }
        try """
            admin: 127.0.0.1:\(admin)
            services:
              - name: web
                listen: 127.0.0.1:\(listen)
                health: {type: none}
                endpoints:
            \(endpoints)
            """.write(to: dir.appendingPathComponent("mesh.yaml"), atomically: true, encoding: .utf8)
        return dir.appendingPathComponent("mesh.yaml").path
    }

    @Test func sigintStopsAHeadlessDemoAtMaxSpeed() throws {
        // The speed is far beyond what the simulator keeps up with: the pacer is always ahead.
        let demo = try Background(["demo", try heavyScenario(), "--headless", "--speed", "10000"])
        #expect(Background.waitUntil(30) { !demo.stdout.isEmpty })
        demo.signal(SIGINT)
        #expect(demo.exitStatus(within: 30) == 0, "stopped cleanly: \(demo.stderr)")
        #expect(demo.stderr.contains("web/e1"), "with its summary")
    }

    @Test func aSecondSignalStopsAtOnce() throws {
        // Nobody reads its stdout: once the pipe is full the session cannot finish writing, so the
        // first SIGINT cannot end it; the second must.
        let demo = try Background(["demo", ScenarioStoryTests.root.appendingPathComponent("demo/zone-outage.yaml").path,
                                   "--headless", "--speed", "max", "--duration", "720h"], unreadStdout: true)
        #expect(Background.waitUntil(30) { Background.stuckWriting(demo.pid) }, "its stdout is full")
        demo.signal(SIGINT)
        #expect(demo.exitStatus(within: 1) == nil, "the first signal cannot stop a session stuck writing")
        demo.signal(SIGINT)
        #expect(demo.exitStatus(within: 30) == 128 + SIGINT)
        #expect(demo.stderr.hasSuffix("mesh-top: SIGINT again: stopped at once\n"), "\(demo.stderr)")
    }

    @Test(.enabled(if: Tmux.usable("tmux")))
    func qStopsTheDashboardOfAHeavyDemo() throws {
        let scenario = try heavyScenario()
        let tmux = try Tmux(columns: 100, rows: 30, directory: dir)
        defer { tmux.kill() }
        try tmux.type("\(try Executable("mesh-top").url.path) demo \(scenario) --speed 10000; echo EXIT=$?", enter: true)
        #expect(try tmux.waitFor(30) { $0.contains("heavy") && $0.contains("web") }.ok)
        try tmux.key("q")
        let quit = try tmux.waitFor(30) { $0.range(of: "EXIT=[0-9]", options: .regularExpression) != nil }
        #expect(quit.ok && quit.screen.contains("EXIT=0"), "\(quit.screen)")
    }

    @Test func sigtermStopsSupervisedProcessesWithTheRun() throws {
        let marker = "86397.\(Int.random(in: 100_000...999_999))"
        let config = try supervisedConfig(count: 20, marker: marker)
        let admin = try #require(Int(String(try String(contentsOfFile: config, encoding: .utf8).split(separator: "\n")[0].split(separator: ":").last ?? "")))
        let run = try Background(["run", "--config", config, "--headless"], in: dir)
        #expect(Background.waitUntil(60) { Background.processes(containing: "sleep \(marker)").count == 20 })
        // The admin API answers once the session runs, with its signals taken.
        #expect(Background.waitUntil(60) { Executable.connects(port: admin) })
        run.signal(SIGTERM)
        #expect(run.exitStatus(within: 30) == 0, "\(run.stderr)")
        #expect(Background.waitUntil(30) { Background.processes(containing: "sleep \(marker)").isEmpty })
    }

    /// Killed outright (no handler runs), mesh-top still takes its thousand children along:
    /// each was started with PR_SET_PDEATHSIG.
    @Test func aThousandSupervisedProcessesDieWithAKilledRun() throws {
        let marker = "86396.\(Int.random(in: 100_000...999_999))"
        let run = try Background(["run", "--config", try supervisedConfig(count: 1000, marker: marker), "--headless"], in: dir)
        #expect(Background.waitUntil(120) { Background.processes(containing: "sleep \(marker)").count == 1000 }, "\(run.stderr)")
        run.signal(SIGKILL)
        #expect(run.exitStatus(within: 30) == 128 + SIGKILL)
        #expect(Background.waitUntil(60) { Background.processes(containing: "sleep \(marker)").isEmpty })
    }
}
