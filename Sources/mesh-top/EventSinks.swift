import Logging
import MeshAdmin
import MeshConfig
import MeshCore
import MeshSession

/// Where a session's events go: the headless printer, the recording, the admin API's journal
/// and the alert webhooks, any of them.
final class EventSinks {
    let printer: EventPrinter?
    let journal: EventJournal?
    let notifier: AlertNotifier?
    private(set) var recorder: RecordingWriter?
    /// The first write error: the session stops and the command reports it.
    private(set) var failure: String?
    var onFailure: () -> Void = {}

    init(headless: Bool, journal: Bool, notify: [NotifyTarget] = [], logger: Logger) throws(CommandError) {
        printer = headless ? EventPrinter() : nil
        self.journal = journal ? EventJournal() : nil
        do {
            notifier = notify.isEmpty ? nil : try AlertNotifier(targets: notify, logger: logger)
        } catch {
            throw CommandError("notify: \(error)")
        }
    }

    func record(to path: String?, header: RecordingHeader) throws {
        guard let path else { return }
        recorder = try RecordingWriter(path: path, header: header)
    }

    var isRecording: Bool { recorder != nil }

    func accept(_ event: MeshEvent) {
        printer?.print(event)
        journal?.append(event)
        notifier?.accept(event)
        guard let recorder, failure == nil else { return }
        do {
            try recorder.write(event)
        } catch {
            failure = error.description
            onFailure()
        }
    }
}
