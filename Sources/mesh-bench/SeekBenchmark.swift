import ArgumentParser
import Foundation
import MeshConfig
import MeshCore
import MeshSession
import MeshSim

/// `mesh-bench seek`: a simulated hour of 1,000 endpoints recorded (about a gigabyte), then the
/// recording read whole (MB/s, wall and CPU) and opened and sought into through its index
/// (`RecordingFile`), at the start, the middle, the end and random times.
struct SeekBenchmark: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "seek",
        abstract: "Open a 1-hour recording of 1,000 endpoints and seek anywhere (target ≤ 1 s); read it whole (target ≥ 100 MB/s)."
    )

    @Option(help: "Endpoints in the recorded mesh (services of 250).") var endpoints = 1_000
    @Option(help: "Mesh seconds recorded.") var seconds = 3600.0
    @Option(help: "Timed runs per figure; the median is shown.") var runs = 5
    @Option(help: "Runs of the whole-file read (each reads the whole recording).") var readRuns = 3
    @Option(help: "Recording to use: made there if missing, kept afterwards (default: a temporary one, removed).")
    var recording: String?

    func validate() throws {
        guard endpoints > 0, seconds >= 20, runs > 0, readRuns > 0 else {
            throw ValidationError("--endpoints, --runs and --read-runs must be positive, --seconds at least 20")
        }
    }

    func run() throws {
        let path = recording ?? FileManager.default.temporaryDirectory.appendingPathComponent("mesh-bench-seek-\(getpid()).jsonl").path
        defer {
            if recording == nil {
                try? FileManager.default.removeItem(atPath: path)
                try? FileManager.default.removeItem(atPath: RecordingIndex.path(for: path))
            }
        }
        if !FileManager.default.fileExists(atPath: path) {
            let took = try Measure.time { try record(to: path) }
            print("recorded \(endpoints) endpoints for \(Measure.format(seconds, 0)) s of mesh time in \(Measure.format(took)) s")
        }
        let data = try Data(contentsOf: URL(fileURLWithPath: path), options: .alwaysMapped)
        let megabytes = Double(data.count) / 1e6
        print("\(path): \(Measure.format(megabytes)) MB")

        // The whole file through RecordingReader, every line decoded and dropped.
        var wall: [Double] = [], cpu: [Double] = [], events = 0
        for _ in 0..<readRuns {
            let cpuStart = Measure.threadCPUTime()
            wall.append(try Measure.time { events = try readWhole(data, file: path) })
            cpu.append(Measure.threadCPUTime() - cpuStart)
        }
        print("  read whole (RecordingReader): \(events) events, \(Measure.format(megabytes / Measure.median(wall))) MB/s wall, "
              + "\(Measure.format(megabytes / Measure.median(cpu))) MB/s of CPU   (target ≥ 100)")

        // Without an index, the first open reads it whole and writes one.
        try? FileManager.default.removeItem(atPath: RecordingIndex.path(for: path))
        let build = try Measure.time { _ = try RecordingFile.open(path: path) }
        let indexed = FileManager.default.fileExists(atPath: RecordingIndex.path(for: path))
        print("  open without an index:        \(Measure.format(build, 2)) s (reads it whole\(indexed ? ", writes the index" : ""))")

        let file = try RecordingFile.open(path: path)
        var random = SeededRandom(seed: 19)
        let targets: [(String, Double)] = [("start", 0), ("middle", file.duration / 2), ("end", file.duration)]
            + (1...3).map { _ in ("random", Double(random.next() % UInt64(file.duration * 1000)) / 1000) }
        print("  open + seek through the index, median of \(runs) (target ≤ 1 s), \(file.index.keyframes.count) keyframes:")
        for (name, target) in targets {
            var times: [Double] = [], cpus: [Double] = [], loaded = 0
            for _ in 0..<runs {
                let cpuStart = Measure.threadCPUTime()
                times.append(try Measure.time {
                    let opened = try RecordingFile.open(path: path)
                    var cursor = ReplayCursor(initial: opened.header.mesh, source: opened)
                    cursor.seek(to: target)
                    if let failure = cursor.failure { throw failure }
                    loaded = cursor.state.services.reduce(0) { $0 + $1.endpoints.count }
                })
                cpus.append(Measure.threadCPUTime() - cpuStart)
            }
            print("    \(name.padding(toLength: 7, withPad: " ", startingAt: 0)) t=\(Measure.format(target, 1).padding(toLength: 8, withPad: " ", startingAt: 0)) "
                  + "\(Measure.format(Measure.median(times) * 1000)) ms wall, \(Measure.format(Measure.median(cpus) * 1000)) ms CPU, \(loaded) endpoints")
        }
    }

    /// Every event of `data` decoded and counted, none kept.
    private func readWhole(_ data: Data, file: String) throws -> Int {
        let start = (data.firstIndex(of: 0x0A) ?? data.count) + 1
        var count = 0
        let result: Result<Int?, ConfigError> = data.withUnsafeBytes { bytes in
            Result { () throws(ConfigError) in
                try RecordingReader.forEachEvent(in: bytes, from: start, firstLine: 2, mayBeCutOff: true, file: file) { _, _, _ in count += 1 }
            }
        }
        _ = try result.get()
        return count
    }

    /// A simulated mesh of `endpoints` in services of 250 over two zones, 1 request/s each, with a
    /// zone outage and an error burst, so that seeks land among state changes, not only samples.
    private func record(to path: String) throws {
        let size = 250
        let services = stride(from: 0, to: endpoints, by: size).enumerated().map { s, first in
            ScenarioService(name: "service-\(s)", endpoints: (first..<min(first + size, endpoints)).map {
                SimulatedEndpointConfig(id: "endpoint-\($0)", zone: $0 % 2 == 0 ? "a" : "b")
            }, policy: ServicePolicy(balancer: .p2cEWMA, zones: ["a", "b"]))
        }
        let timeline = [
            TimelineStep(at: seconds * 0.3, action: .crash, target: .zone("a")),
            TimelineStep(at: seconds * 0.4, action: .recover, target: .zone("a")),
            TimelineStep(at: seconds * 0.6, action: .errors(rate: 0.5), target: .service("service-0")),
            TimelineStep(at: seconds * 0.7, action: .recover, target: .service("service-0")),
        ]
        let scenario = Scenario(name: "seek", seed: 19, duration: seconds, services: services,
                                traffic: services.map { TrafficConfig(service: $0.name, rps: Double($0.endpoints.count)) },
                                timeline: timeline)
        let writer = try RecordingWriter(path: path, header: RecordingHeader(source: "demo", started: RecordingWriter.timestamp(),
                                                                            mesh: Simulator.mesh(of: scenario)))
        let playback = DemoPlayback(scenario: scenario, isRecording: true) { try? writer.write($0) }
        SessionRunner(playback: playback, speed: nil, duration: seconds, stopAtEnd: true).run()
    }
}
