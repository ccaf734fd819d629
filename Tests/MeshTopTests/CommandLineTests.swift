import Foundation
import MeshCore
import MeshTestSupport
import Testing

/// The conventions of well-made CLIs, on the real binary: --version, usage errors parsed by
/// ArgumentParser (exit 64, one line, completions that list the values), run's ./mesh.yaml,
/// ctl's --config and MESH_TOP_ADMIN / MESH_TOP_TOKEN, NO_COLOR, and the same exit status
/// behind the dashboard as headless.
@Suite struct CommandLineTests {
    let dir: URL = {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("cli-\(UUID().uuidString)")
        try? FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir
    }()

    func run(_ arguments: [String], environment: [String: String] = [:]) throws -> Executable.Result {
        try Executable("mesh-top").run(arguments, in: dir, environment: environment)
    }

    @Test func versionIsPrinted() throws {
        let r = try run(["--version"])
        #expect(r.status == 0)
        #expect(r.stdout == MeshTopVersion.string + "\n")
    }

    @Test(arguments: [
        (["demo", "--theme", "blue"], "--theme"),
        (["demo", "--speed", "0", "--headless"], "--speed"),
        (["replay", "x.jsonl", "--speed", "fast"], "--speed"),
        (["demo", "--duration", "5x", "--headless"], "--duration"),
        (["demo", "--refresh", "1ms"], "--refresh"),
        (["demo", "--log-level", "loud"], "--log-level"),
        (["demo", "--colour"], "--colour"),
        (["run", "--threads", "0"], "--threads"),
        (["run", "--threads", "100000", "--headless"], "--threads"),
    ])
    func usageErrorsAreOneLineAndExit64(arguments: [String], option: String) throws {
        let r = try run(arguments)
        #expect(r.status == 64, "\(arguments): \(r.status) \(r.stderr)")
        #expect(r.stderr.hasPrefix("mesh-top: ") && r.stderr.split(separator: "\n").count == 1, "\(r.stderr)")
        #expect(r.stderr.contains(option), "names the option: \(r.stderr)")
        #expect(r.stdout.isEmpty)
    }

    @Test func completionsOfferTheValues() throws {
        let r = try run(["--generate-completion-script", "bash"])
        #expect(r.status == 0)
        #expect(r.stdout.contains("'default'$'\\n''mono'"), "themes")
        #expect(r.stdout.contains("'max'"), "speeds")
        #expect(r.stdout.contains("'warning'"), "log levels")
    }

    /// `--record` onto the scenario being played, or onto a recording's index, would overwrite
    /// it: one line, a non-zero exit, and the file as it was (found by a new-user trial).
    @Test func recordingOverItsOwnInputIsRefused() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let scenario = dir.appendingPathComponent("spike.yaml")
        try FileManager.default.copyItem(at: root.appendingPathComponent("demo/traffic-spike.yaml"), to: scenario)
        let before = try Data(contentsOf: scenario)
        for (record, why) in [("spike.yaml", "which this session reads"), ("./spike.yaml", "which this session reads"),
                              ("other.jsonl.index", "a recording's index")] {
            let r = try run(["demo", "spike.yaml", "--headless", "--speed", "max", "--duration", "2s", "--record", record])
            #expect(r.status != 0, "\(record)")
            #expect(r.stderr.hasPrefix("mesh-top: --record ") && r.stderr.contains(why)
                    && r.stderr.split(separator: "\n").count == 1, "\(r.stderr)")
        }
        #expect(try Data(contentsOf: scenario) == before, "the scenario is untouched")
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("other.jsonl.index").path))
        let ok = try run(["demo", "spike.yaml", "--headless", "--speed", "max", "--duration", "2s", "--record", "spike.jsonl"])
        #expect(ok.status == 0, "\(ok.stderr)")
    }

    @Test func runWithoutConfigUsesTheMeshYamlHere() throws {
        let missing = try run(["run", "--headless", "--duration", "1s"])
        #expect(missing.status == 1)
        #expect(missing.stderr == "mesh-top: no --config given and no mesh.yaml here: name the mesh to run (mesh-top run --config FILE)\n")
        try "admin: 127.0.0.1:\(Executable.freePort())\nservices:\n  - name: solo\n    health: {type: none}\n"
            .write(to: dir.appendingPathComponent("mesh.yaml"), atomically: true, encoding: .utf8)
        let here = try run(["run", "--headless", "--duration", "2s"])
        #expect(here.status == 0, "\(here.stderr)")
        #expect(here.stdout.contains(#""type":"sample""#), "it ran: \(here.stdout)")
    }

    @Test func ctlFindsTheAdminAPIFromConfigOrEnvironment() throws {
        let mesh = try RunningMesh(run: """
            services:
              - name: web
                health: {type: none}
                endpoints:
                  - {id: web-1, address: "127.0.0.1:9"}

            """, token: "s3cret")
        defer { mesh.stop() }
        let config = mesh.directory.appendingPathComponent("mesh.yaml").path
        // --config: address and token from the file.
        let status = try run(["ctl", "--config", config, "status"])
        #expect(status.status == 0 && status.stdout.contains("web/web-1"), "\(status.stderr)")
        let drain = try run(["ctl", "drain", "web/web-1", "--config", config])
        #expect(drain.status == 0, "\(drain.stderr)")
        // The environment: MESH_TOP_ADMIN and MESH_TOP_TOKEN.
        let admin = "127.0.0.1:\(mesh.admin)"
        let restore = try run(["ctl", "restore", "web/web-1"], environment: ["MESH_TOP_ADMIN": admin, "MESH_TOP_TOKEN": "s3cret"])
        #expect(restore.status == 0, "\(restore.stderr)")
        let refused = try run(["ctl", "drain", "web/web-1"], environment: ["MESH_TOP_ADMIN": admin, "MESH_TOP_TOKEN": ""])
        #expect(refused.status == 1 && refused.stderr.split(separator: "\n").count == 1, "without the token: \(refused.stderr)")
        let bad = try run(["ctl", "status"], environment: ["MESH_TOP_ADMIN": "nowhere"])
        #expect(bad.status == 1)
        #expect(bad.stderr == "mesh-top: $MESH_TOP_ADMIN: 'nowhere' is not an address (expected host:port, [::1]:port or https://host:port)\n")
    }

    @Test(.enabled(if: Tmux.usable("tmux")))
    func noColorMeansMono() throws {
        /// Whether the screen sets a foreground or background colour (39 and 49, the terminal's
        /// own colours, do not count).
        func coloured(_ screen: String) -> Bool {
            let sets = ["38;5;", "48;5;", "38;2;", "48;2;"] + (Array(30...37) + Array(40...47) + Array(90...97)).map { "\($0)m" }
            return sets.contains { screen.contains("\u{1B}[" + $0) || screen.contains(";" + $0) }
        }
        let binary = try Executable("mesh-top").url.path
        for noColor in [false, true] {
            let tmux = try Tmux(columns: 100, rows: 30, directory: dir)
            defer { tmux.kill() }
            // The test runner's own environment may carry NO_COLOR: said either way here.
            try tmux.type((noColor ? "env NO_COLOR=1 " : "env -u NO_COLOR ") + "\(binary) demo --speed 10", enter: true)
            #expect(try tmux.waitFor(30) { $0.contains("checkout") }.ok)
            let screen = try tmux.screenWithEscapes()
            #expect(coloured(screen) == !noColor, "NO_COLOR=\(noColor ? "1" : "unset"): \(screen.prefix(400))")
            try tmux.key("q")
        }
    }

    @Test(.enabled(if: Tmux.usable("tmux")))
    func aSignalEndsTheDashboardAsItEndsAHeadlessRun() throws {
        let binary = try Executable("mesh-top").url.path
        let tmux = try Tmux(columns: 100, rows: 30, directory: dir)
        defer { tmux.kill() }
        // exec keeps the pid the shell printed.
        try tmux.type("sh -c 'echo PID=$$ > pid.txt; exec \(binary) demo --speed 10'; echo EXIT=$?", enter: true)
        #expect(try tmux.waitFor(30) { $0.contains("checkout") }.ok)
        let pid = try #require(pid_t(String(try String(contentsOf: dir.appendingPathComponent("pid.txt"), encoding: .utf8)
            .dropFirst(4)).trimmingCharacters(in: .whitespacesAndNewlines)))
        kill(pid, SIGTERM)
        let dashboard = try tmux.waitFor(30) { $0.range(of: "EXIT=[0-9]", options: .regularExpression) != nil }
        #expect(dashboard.screen.contains("EXIT=0"), "\(dashboard.screen)")

        let headless = try Background(["demo", "--headless", "--speed", "10"])
        #expect(Background.waitUntil(30) { !headless.stdout.isEmpty })
        headless.signal(SIGTERM)
        #expect(headless.exitStatus(within: 30) == 0, "the same status headless: \(headless.stderr)")
    }
}
