import Foundation
import Testing

/// Golden files beside the tests (`Snapshots/NAME.txt`), compared as text. Set
/// `MESH_TOP_RECORD_SNAPSHOTS=1` to write them again after a deliberate change.
func assertSnapshot(_ actual: String, named name: String, sourceLocation: SourceLocation = #_sourceLocation,
                    filePath: String = #filePath) {
    let url = URL(fileURLWithPath: filePath).deletingLastPathComponent()
        .appendingPathComponent("Snapshots").appendingPathComponent(name + ".txt")
    let recording = ProcessInfo.processInfo.environment["MESH_TOP_RECORD_SNAPSHOTS"] == "1"
    let expected = try? String(contentsOf: url, encoding: .utf8)
    if recording || expected == nil {
        try? FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        do { try actual.write(to: url, atomically: true, encoding: .utf8) } catch {
            Issue.record("could not write snapshot \(url.path): \(error)", sourceLocation: sourceLocation)
        }
        print("recorded snapshot \(url.path)")
        if !recording {
            Issue.record("snapshot \(name) did not exist: recorded it, check it and run again", sourceLocation: sourceLocation)
        }
        return
    }
    if actual != expected {
        Issue.record("""
            snapshot \(name) differs (MESH_TOP_RECORD_SNAPSHOTS=1 re-records):
            --- expected
            \(expected ?? "")
            --- actual
            \(actual)
            """, sourceLocation: sourceLocation)
    }
}
