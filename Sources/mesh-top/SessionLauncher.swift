import ArgumentParser
import Foundation
import Logging
import MeshAdmin
import MeshConfig
import MeshCore
import MeshSession
import MeshTUI

/// Runs a playback either headless (events on stdout, summary on stderr) or behind the dashboard.
/// Events reach the printer and the recorder through `EventSinks`, set up before the playback.
/// The runner's handle is what the dashboard, the admin API and the signals hold.
enum SessionLauncher {
    struct Settings {
        var speed: Double?
        var duration: Double?
        var refresh: Double
        var mono: Bool
        var ascii: Bool
        var headless: Bool
        var mouse = true
        /// Serve the admin API while the session runs.
        var admin: AdminSettings? = nil
        /// mesh-top's own log.
        var logger: Logger
        /// A live mesh's health checker, for `/metrics`.
        var healthCheckerLoad: AdminAPI.HealthCheckerLoadSource? = nil
        /// A live mesh's listeners, for `/metrics`.
        var listenerCounters: AdminAPI.ListenerCountersSource? = nil
    }

    static func run(_ playback: any Playback, sinks: EventSinks, settings: Settings) throws {
        guard settings.headless || (isatty(STDIN_FILENO) == 1 && isatty(STDOUT_FILENO) == 1) else {
            throw CommandError("the dashboard needs a terminal; use --headless for scripts and pipes")
        }
        let runner = SessionRunner(playback: playback, speed: settings.speed, duration: settings.duration,
                                   stopAtEnd: settings.headless)
        let session = runner.handle
        sinks.onFailure = { session.submit(.stop) }
        // Standard output's reader gone: stop as on SIGTERM, then leave as SIGPIPE would (`ReaderGone`).
        sinks.printer?.whenFailed { session.submit(.stop) }
        // Taken before the admin API answers, so that a session seen running takes its signals
        // (the dashboard arms its own with the terminal).
        let signals = settings.headless ? SignalWatch { session.submit(.stop) } : nil
        defer { signals?.cancel() }
        let server = try settings.admin.map { admin throws(CommandError) in
            let journal = sinks.journal ?? EventJournal()
            runner.onPublish = { journal.published(seq: $0) }
            let api = AdminAPI(session: session, journal: journal, token: admin.token,
                               address: admin.address.description, healthCheckerLoad: settings.healthCheckerLoad,
                               listenerCounters: settings.listenerCounters)
            do {
                return try AdminServer.start(api, host: admin.address.host, port: admin.address.port, tls: admin.tls,
                                             renewTLS: admin.renewTLS, logger: settings.logger)
            } catch {
                throw CommandError((error as? AdminServerError)?.description ?? "admin API: \(error)")
            }
        }
        defer {
            server?.stop()
            sinks.notifier?.stop()
        }
        if settings.headless {
            runner.run()
            // The session is over: from here a signal stops at once.
            signals?.cancel()
            sinks.printer?.flush()
            if let summary = sinks.printer?.summary, sinks.printer?.readerGone != true {
                Stderr.line(summary.table(for: runner.snapshot().state, width: CharacterWidth.of))
            }
        } else {
            runner.start()
            let outcome = Result { try Dashboard.run(session: session, refresh: settings.refresh,
                                                     theme: settings.mono ? .mono : .default, ascii: settings.ascii,
                                                     mouse: settings.mouse) }
            session.submit(.stop)
            session.waitUntilStopped()
            // A first SIGINT, SIGTERM or SIGHUP is a stop asked for, as in a headless run: the
            // terminal is restored and the exit status is 0 (a second signal stops at once, 128 + n).
            _ = try outcome.get()
        }
        if let failure = sinks.failure { throw CommandError(failure) }
        if sinks.printer?.readerGone == true { throw ReaderGone() }
        if let failure = sinks.printer?.failure { throw CommandError(failure) }
    }
}
