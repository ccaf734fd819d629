import ArgumentParser
import Foundation
import MeshConfig
import MeshCore
import MeshSession
import MeshSim

/// `mesh-bench replay`: events per second through `MeshState.apply`, recording parse speed, and the
/// time to seek to the end of a one-hour recording.
struct ReplayBenchmark: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "replay",
        abstract: "Replay events/s (target ≥ 1 million/s) and seek to the end of a one-hour recording (target ≤ 50 ms)."
    )

    @Option(help: "Runs to take the median of.") var runs = 5
    @Option(help: "Mesh seconds in the recording.") var seconds = 3600.0
    @Option(help: "Scenario to record (default: a zone outage with 8 endpoints).") var scenario: String?

    func run() throws {
        var scenario = try scenario.map { path throws(ConfigError) in try Scenario.load(path: path) } ?? ReplayBenchmark.zoneOutage()
        scenario.duration = seconds
        let mesh = Simulator.mesh(of: scenario)
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("mesh-bench-\(getpid()).jsonl").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let writer = try RecordingWriter(path: path, header: RecordingHeader(source: "demo", started: RecordingWriter.timestamp(), mesh: mesh))
        let playback = DemoPlayback(scenario: scenario, isRecording: true) { try? writer.write($0) }
        let recordTime = Measure.time { SessionRunner(playback: playback, speed: nil, duration: seconds, stopAtEnd: true).run() }
        let data = try Data(contentsOf: URL(fileURLWithPath: path))

        var parse: [Double] = [], apply: [Double] = [], seekEnd: [Double] = [], seekBack: [Double] = []
        var recording = try Recording.parse(data, file: path)
        for _ in 0..<runs {
            parse.append(Measure.time { recording = try! Recording.parse(data, file: path) })
            var cursor = recording.cursor
            apply.append(Measure.time { cursor.advance(to: .infinity) })
            var fresh = recording.cursor
            seekEnd.append(Measure.time { fresh.seek(to: seconds) })
            seekBack.append(Measure.time { fresh.seek(to: seconds / 2) })
        }
        let n = Double(recording.events.count)
        print("one-hour recording: \(recording.events.count) events, \(data.count / 1024) KiB, recorded in \(Measure.format(recordTime, 2)) s")
        print("  replay through MeshState.apply: \(Measure.format(n / Measure.median(apply) / 1e6, 2)) M events/s   (target ≥ 1.00)")
        print("  parse JSON lines:           \(Measure.format(n / Measure.median(parse) / 1e6, 2)) M events/s, \(Measure.format(Double(data.count) / Measure.median(parse) / 1e6)) MB/s")
        print("  seek to the end:            \(Measure.format(Measure.median(seekEnd) * 1000, 2)) ms   (target ≤ 50 ms)")
        print("  seek back to the middle:    \(Measure.format(Measure.median(seekBack) * 1000, 2)) ms")
    }

    static func zoneOutage() throws -> Scenario {
        try Scenario.parse(yaml: """
            name: bench zone outage
            seed: 5
            services:
              - name: checkout
                balancer: p2c-ewma
                zones: [a, b]
                endpoints:
                  - {id: a1, zone: a, capacity: 400}
                  - {id: a2, zone: a, capacity: 400}
                  - {id: a3, zone: a, capacity: 400}
                  - {id: b1, zone: b, capacity: 400}
                  - {id: b2, zone: b, capacity: 400}
                  - {id: b3, zone: b, capacity: 400}
              - name: payments
                endpoints: [{id: p1, capacity: 300}, {id: p2, capacity: 300}]
            traffic:
              - {service: checkout, rps: 600, pattern: sine, period: 120s}
              - {service: payments, rps: 200}
            timeline:
              - {at: 600s, action: crash, target: zone:a}
              - {at: 900s, action: recover, target: zone:a}
              - {at: 1800s, action: errors, target: payments/p2, rate: 50%}
              - {at: 2000s, action: recover, target: payments/p2}
            """, file: "bench")
    }
}
