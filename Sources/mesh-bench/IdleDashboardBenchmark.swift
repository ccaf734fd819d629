import ArgumentParser
import Foundation

/// `mesh-bench idle`: CPU used by an idle dashboard (the demo at the default refresh), from
/// /proc, over a window; the binary runs in a real terminal (tmux). Target ≤ 1% of one core.
struct IdleDashboardBenchmark: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "idle",
        abstract: "CPU of an idle dashboard in demo at the default refresh, over 30 s (target ≤ 1% of a core)."
    )

    @Option(help: "The mesh-top binary (default: beside mesh-bench).") var binary: String?
    @Option(help: "Seconds to measure.") var seconds = 30.0

    func run() throws {
        let me = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        let path = binary ?? me.deletingLastPathComponent().appendingPathComponent("mesh-top").path
        guard FileManager.default.isExecutableFile(atPath: path) else {
            throw ValidationError("no mesh-top at \(path): build it (swift build -c release) or pass --binary")
        }
        let socket = "mesh-bench-idle-\(getpid())"
        try Spawn.run("/usr/bin/tmux", ["-L", socket, "new-session", "-d", "-x", "120", "-y", "40", path])
        defer { _ = try? Spawn.run("/usr/bin/tmux", ["-L", socket, "kill-server"]) }
        Thread.sleep(forTimeInterval: 2)
        let pane = try Spawn.run("/usr/bin/tmux", ["-L", socket, "list-panes", "-F", "#{pane_pid}"])
        guard let pid = Int32(pane.trimmingCharacters(in: .whitespacesAndNewlines)) else {
            throw ValidationError("mesh-top did not start in tmux")
        }
        let before = Double(BenchProcess.ticks(pid)) / BenchProcess.ticksPerSecond
        let start = Measure.now()
        Thread.sleep(forTimeInterval: seconds)
        let used = Double(BenchProcess.ticks(pid)) / BenchProcess.ticksPerSecond - before
        let wall = Measure.now() - start
        print("idle dashboard (demo, default 500 ms refresh, 120x40), \(Int(wall)) s: \(Measure.format(100 * used / wall, 2))% of one core   (target ≤ 1%)")
    }
}
