import MeshAdmin
import MeshCore
import MeshSession

/// Where a session's events go: the headless printer, the recording and the admin API's
/// journal, any of them.
final class EventSinks {
    let printer: EventPrinter?
    let journal: EventJournal?
    private(set) var recorder: RecordingWriter?
    /// The first write error: the session stops and the command reports it.
    private(set) var failure: String?
    var onFailure: () -> Void = {}

    init(headless: Bool, journal: Bool) {
        printer = headless ? EventPrinter() : nil
        self.journal = journal ? EventJournal() : nil
    }

    func record(to path: String?, header: RecordingHeader) throws {
        guard let path else { return }
        recorder = try RecordingWriter(path: path, header: header)
    }

    var isRecording: Bool { recorder != nil }

    func accept(_ event: MeshEvent) {
        printer?.print(event)
        journal?.append(event)
        guard let recorder, failure == nil else { return }
        do {
            try recorder.write(event)
        } catch {
            failure = error.description
            onFailure()
        }
    }
}
