import ArgumentParser
import Foundation
import Logging
import MeshConfig
import MeshCore
import MeshSession

/// `--record FILE` (demo, run): where a session's events go besides the screen or stdout.
struct RecordOption: ParsableArguments {
    @Option(help: ArgumentHelp("Record every event to this file (JSON Lines).", valueName: "file"), completion: .file(extensions: ["jsonl"]))
    var record: String?

    /// The event sinks of a session: the headless printer if asked, the recording if asked
    /// (its header written now, so a bad path fails before anything starts).
    /// `reading`: the files the session reads (its scenario or mesh.yaml), which the recording
    /// may not overwrite.
    func sinks(headless: Bool, journal: Bool, notify: [NotifyTarget], source: String, mesh: MeshState,
               reading: [String], logger: Logger) throws -> EventSinks {
        try checkTarget(reading: reading)
        let sinks = try EventSinks(headless: headless, journal: journal, notify: notify, logger: logger)
        try sinks.record(to: record, header: RecordingHeader(source: source, started: RecordingWriter.timestamp(), mesh: mesh))
        return sinks
    }

    /// A recording written over the file the session plays, or over a recording's index, would
    /// lose it: refused before anything is written.
    func checkTarget(reading inputs: [String]) throws {
        guard let record else { return }
        if record.hasSuffix(RecordingIndex.suffix) {
            throw CommandError("--record \(record): is a recording's index (\(RecordingIndex.suffix)); record to a .jsonl file")
        }
        func canonical(_ path: String) -> String { URL(fileURLWithPath: path).resolvingSymlinksInPath().standardizedFileURL.path }
        if let input = inputs.first(where: { canonical($0) == canonical(record) }) {
            throw CommandError("--record \(record): is \(input), which this session reads; record to another file")
        }
    }
}
