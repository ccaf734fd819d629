public import ArgumentParser
import MeshCore
import MeshTUI

/// `mesh-bench frame`: one dashboard frame of one service of n endpoints, the mesh built as
/// `scale` builds it (every endpoint healthy, a minute of samples), timed as the median of
/// several runs; with `--frames N`, drawn N times untimed, for a profiler:
/// `valgrind --tool=callgrind --toggle-collect='*render*' mesh-bench frame --frames 10`
/// counts the instructions of the frames alone (the mesh's building left out).
struct FrameBenchmark: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "frame",
        abstract: "One dashboard frame of a large mesh: median time, or N frames for a profiler."
    )

    @Option(help: "Endpoints in the one service.") var endpoints = 10_000
    @Option(help: "Terminal size, COLSxROWS.") var size = "200x60"
    @Option(help: "Sort order of the topology.") var sort: DashboardView.SortKey = .name
    @Option(help: "Timed runs; the median is shown.") var runs = 5
    @Option(help: "Draw this many frames untimed instead (for callgrind).") var frames: Int?

    func validate() throws {
        guard endpoints > 0, runs > 0, (frames ?? 1) > 0, parsedSize != nil else {
            throw ValidationError("--endpoints, --runs and --frames must be positive, --size COLSxROWS")
        }
    }

    private var parsedSize: (cols: Int, rows: Int)? {
        let parts = size.split(separator: "x").compactMap { Int($0) }
        guard parts.count == 2, parts.allSatisfy({ $0 > 0 }) else { return nil }
        return (parts[0], parts[1])
    }

    func run() throws {
        let engine = ScaleBenchmark.healthyEngine(endpoints)
        let frame = ScaleBenchmark.frame(of: engine.state, sort: sort)
        let size = parsedSize!
        if let frames {
            var cells = 0
            for _ in 0..<frames { cells &+= render(frame, size: size).cols }
            print("\(frames) frames of \(endpoints) endpoints at \(self.size), sort \(sort.rawValue) (\(cells / frames) columns)")
            return
        }
        let seconds = ScaleBenchmark.medianSeconds(runs: runs) { _ = render(frame, size: size) }
        print("frame of \(endpoints) endpoints at \(self.size), sort \(sort.rawValue): \(Measure.format(seconds * 1e3, 3)) ms "
              + "(median of \(runs) runs)")
    }
}

extension DashboardView.SortKey: ExpressibleByArgument {}
