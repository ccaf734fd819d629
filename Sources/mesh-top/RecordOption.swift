import ArgumentParser
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
    func sinks(headless: Bool, journal: Bool, notify: [NotifyTarget], source: String, mesh: MeshState,
               logger: Logger) throws -> EventSinks {
        let sinks = try EventSinks(headless: headless, journal: journal, notify: notify, logger: logger)
        try sinks.record(to: record, header: RecordingHeader(source: source, started: RecordingWriter.timestamp(), mesh: mesh))
        return sinks
    }
}
