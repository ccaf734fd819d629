import Benchmark
import Foundation
import MeshSession

/// The shipped demo recording (demo/zone-outage.jsonl): parsed, and replayed through the
/// reducer to its end. The ceilings are today's figures with room for a loaded machine: they
/// catch a regression, the recording-load floor of issue 19 is measured by `mesh-bench replay`.
func replayBenchmarks() {
    let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../../../demo/zone-outage.jsonl").standardized.path
    guard let data = FileManager.default.contents(atPath: path), let recording = try? Recording.parse(data, file: path) else {
        fatalError("cannot read \(path)")
    }
    Benchmark("parse_demo_recording", configuration: .init(metrics: [.wallClock, .mallocCountTotal],
                                                           thresholds: [.wallClock: ceiling(50_000_000)])) { _ in
        blackHole(try? Recording.parse(data, file: path))
    }
    Benchmark("replay_demo_recording", configuration: .init(metrics: [.wallClock, .mallocCountTotal],
                                                            thresholds: [.wallClock: ceiling(20_000_000)])) { _ in
        var cursor = recording.cursor
        blackHole(cursor.advance(to: .infinity))
        blackHole(cursor)
    }
}
