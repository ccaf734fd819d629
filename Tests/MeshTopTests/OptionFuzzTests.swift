import Foundation
import PropertyBased
import Testing

/// The command line fuzzed as a hostile user types it: numbers and durations from the edge of
/// every range, or not numbers at all. Each run either works or is refused with one line naming
/// the option; none traps or hangs.
@Suite struct OptionFuzzTests {
    static let durations = ["1e20s", "1e308m", "-1s", "0s", "0", "1", "nan", "inf", "1e-320s", "99999999999h", "",
                            "50ms", "1s", "90s", "721h", "720h", "1ms", "0.5ms", "1e3s", "x"]
    /// Numeric speeds from 100 up, so that a replay that is accepted ends within a second.
    static let speeds = ["max", "0", "-1", "1e9", "10001", "10000", "100", "1e4", "nan", "inf", "-inf", "1e-320", "", "fast",
                         "18446744073709551616"]
    static let refreshes = ["10ms", "20ms", "1h", "2h", "1e308m", "-5ms", "500ms", ""]
    static let seeds = ["0", "-1", "18446744073709551615", "18446744073709551616", "1e3", "x", "42"]
    static let threads = ["0", "1", "256", "257", "-3", "99999999999999999999", "x"]

    static func pick(_ list: [String]) -> Generator<String, Shrink.Integer<Int>> {
        Gen.int(in: 0...(list.count - 1)).map { list[$0] }
    }

    /// One line naming the option, or a run that ended well.
    static func check(_ r: Executable.Result, options: [String]) {
        if r.status == 0 { return }
        #expect(r.status == 1 || r.status == 64, "\(options): \(r.status)")
        #expect(r.stderr.hasPrefix("mesh-top: ") && r.stderr.split(separator: "\n").count == 1, "\(options): \(r.stderr)")
        #expect(!r.stderr.contains("Fatal error") && !r.stderr.contains("Backtrac"))
    }

    @Test func replayOptions() async throws {
        let recording = ScenarioStoryTests.root.appendingPathComponent("demo/zone-outage.jsonl").path
        let binary = try Executable("mesh-top")
        await propertyCheck(count: 25, input: Self.pick(Self.speeds), Self.pick(Self.durations), Self.pick(Self.refreshes)) { speed, duration, refresh in
            let options = ["--speed", speed, "--duration", duration, "--refresh", refresh]
            let r = try binary.run(["replay", recording, "--headless"] + options)
            Self.check(r, options: options)
        }
    }

    @Test func demoAndRunOptions() async throws {
        let binary = try Executable("mesh-top")
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("options-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        // A mesh that cannot start (its listener's port is taken by its admin API's): every run
        // that gets past its options ends at once with one line.
        try "admin: 127.0.0.1:1\nservices:\n  - name: web\n    listen: 127.0.0.1:1\n".write(
            to: dir.appendingPathComponent("m.yaml"), atomically: true, encoding: .utf8)
        await propertyCheck(count: 20, input: Self.pick(Self.seeds), Self.pick(Self.threads), Self.pick(Self.durations)) { seed, threads, duration in
            let demo = ["--seed", seed, "--speed", "max", "--duration", duration == "720h" || duration == "1e3s" ? "1s" : duration]
            Self.check(try binary.run(["demo", "--headless"] + demo), options: demo)
            let run = ["--threads", threads]
            let r = try binary.run(["run", "--config", "m.yaml", "--headless"] + run, in: dir)
            #expect(r.status != 0)
            Self.check(r, options: run)
        }
    }
}
