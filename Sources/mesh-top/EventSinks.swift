import MeshCore
import MeshSession

/// Where a session's events go: the headless printer and the recording, either or both.
final class EventSinks {
    let printer: EventPrinter?
    private(set) var recorder: RecordingWriter?
    /// The first write error: the session stops and the command reports it.
    private(set) var failure: String?
    var onFailure: () -> Void = {}

    init(headless: Bool) {
        printer = headless ? EventPrinter() : nil
    }

    func record(to path: String?, header: RecordingHeader) throws {
        guard let path else { return }
        recorder = try RecordingWriter(path: path, header: header)
    }

    var isRecording: Bool { recorder != nil }

    func accept(_ event: MeshEvent) {
        printer?.print(event)
        guard let recorder, failure == nil else { return }
        do {
            try recorder.write(event)
        } catch {
            failure = error.description
            onFailure()
        }
    }
}
