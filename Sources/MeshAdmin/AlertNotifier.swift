import Foundation
public import Logging
public import MeshConfig
public import MeshCore
public import MeshTLS
import NIOConcurrencyHelpers
import NIOSSL

/// Sends alerts to `notify:` webhooks as they fire and resolve: Alertmanager's
/// `POST /api/v2/alerts` shape (firing alerts re-sent every `resendInterval`, because Alertmanager
/// resolves an alert it stops hearing about), or the `alert` event itself as JSON. Posting
/// happens on its own queue: the engine never waits for a webhook.
public final class AlertNotifier: Sendable {
    /// Alertmanager resolves after `resolve_timeout` (5m by default) without news.
    public static let resendInterval = 60.0

    private struct Firing {
        var change: AlertChange
        var startsAt: Date
    }

    /// What is firing and which webhooks failed (said once each).
    private struct State {
        var firing: [String: Firing] = [:]
        var failed: Set<URL> = []
        var stopped = false
    }

    private let targets: [NotifyTarget]
    /// Per webhook: its client, with the CA and client certificate of an https one read once at start.
    private let clients: [URL: AdminClient]
    private let logger: Logger
    /// Posts one at a time, in the order the alerts came.
    private let queue = DispatchQueue(label: "mesh-top.notify")
    private let state = NIOLockedValueBox(State())

    /// A webhook that fails is logged at `warning` the first time (it keeps being tried, each
    /// failure at `debug`), and at `notice` when it takes alerts again. Throws one line naming
    /// the file when an https webhook's `ca`, `cert` or `key` is wrong.
    public init(targets: [NotifyTarget], logger: Logger) throws(TLSError) {
        self.targets = targets
        self.logger = logger
        var clients: [URL: AdminClient] = [:]
        for target in targets {
            var tls: TLSConfiguration?
            if target.webhook.scheme?.lowercased() == "https" {
                let settings = ClientTLS.Settings(ca: target.tls.ca, certificate: target.tls.cert, key: target.tls.key)
                var config = try ClientTLS.configuration(settings).0
                config.certificateVerification = .fullVerification  // the URL's host must be the certificate's
                tls = config
            }
            let url = target.webhook
            let base = "\(url.scheme ?? "http")://" + (url.host.map { $0.contains(":") ? "[\($0)]" : $0 } ?? "127.0.0.1")
                + (url.port.map { ":\($0)" } ?? "")
            clients[url] = AdminClient(base: base, tls: tls)
        }
        self.clients = clients
        if targets.contains(where: { $0.format == .alertmanager }) { scheduleResend() }
    }

    /// Takes every event; only `alert` events are sent.
    public func accept(_ event: MeshEvent) {
        guard case .alert(let change) = event.body, !targets.isEmpty else { return }
        queue.async { self.send(change, event: event) }
    }

    /// Waits (a little) for what is queued to go out, and stops re-sending.
    public func stop(waiting seconds: Double = 3) {
        let done = DispatchSemaphore(value: 0)
        queue.async {
            self.state.withLockedValue { $0.stopped = true }
            done.signal()
        }
        _ = done.wait(timeout: .now() + seconds)
    }

    // MARK: On the queue

    private func send(_ change: AlertChange, event: MeshEvent) {
        let key = change.name + "\u{0}" + change.subject
        let startsAt: Date
        switch change.state {
        case .firing:
            startsAt = Date()
            state.withLockedValue { $0.firing[key] = Firing(change: change, startsAt: startsAt) }
        case .resolved:
            startsAt = state.withLockedValue { $0.firing.removeValue(forKey: key)?.startsAt } ?? Date()
        }
        for target in targets {
            switch target.format {
            case .alertmanager:
                post(Self.alertmanagerBody([(change, startsAt)]), to: target.webhook)
            case .json:
                post(Self.encode(event), to: target.webhook)
            }
        }
    }

    /// Every `resendInterval`, on the queue, until stopped.
    private func scheduleResend() {
        queue.asyncAfter(deadline: .now() + Self.resendInterval) { [weak self] in
            guard let self, !self.state.withLockedValue({ $0.stopped }) else { return }
            self.resendFiring()
            self.scheduleResend()
        }
    }

    private func resendFiring() {
        let firing = state.withLockedValue { Array($0.firing.values) }
        guard !firing.isEmpty else { return }
        let body = Self.alertmanagerBody(firing.map { ($0.change, $0.startsAt) })
        for target in targets where target.format == .alertmanager { post(body, to: target.webhook) }
    }

    private func post(_ body: String, to url: URL) {
        var path = url.path.isEmpty ? "/" : url.path
        if let query = url.query { path += "?" + query }
        do {
            let answer = try (clients[url] ?? AdminClient(base: "http://127.0.0.1")).send("POST", path, body: body, timeout: 5)
            guard (200..<300).contains(answer.status) else { return complain(url, "answered \(answer.status)") }
            if state.withLockedValue({ $0.failed.remove(url) }) != nil { logger.notice("notify: \(url.absoluteString) takes alerts again") }
        } catch {
            complain(url, "cannot be reached (\(error))")
        }
    }

    private func complain(_ url: URL, _ what: String) {
        let line: Logger.Message = "notify: \(url.absoluteString) \(what); alerts will keep being sent to it"
        if state.withLockedValue({ $0.failed.insert(url).inserted }) { logger.warning(line) } else { logger.debug(line) }
    }

    // MARK: Bodies

    /// Alertmanager API v2 alerts: labels name the alert and its subject; a resolved alert
    /// carries `endsAt`.
    static func alertmanagerBody(_ alerts: [(AlertChange, Date)]) -> String {
        let iso = ISO8601DateFormatter()
        iso.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        let list: [[String: Any]] = alerts.map { change, startsAt in
            var labels: [String: String] = ["alertname": change.name, "severity": change.severity.rawValue,
                                            "subject": change.subject, "job": "mesh-top"]
            let parts = change.subject.split(separator: "/", maxSplits: 1)
            labels["service"] = parts.first.map(String.init) ?? change.subject
            if parts.count == 2 { labels["endpoint"] = String(parts[1]) }
            var alert: [String: Any] = [
                "labels": labels,
                "annotations": ["summary": "\(change.name) \(change.state.rawValue) for \(change.subject)",
                                "value": String(change.value)],
                "startsAt": iso.string(from: startsAt),
            ]
            if change.state == .resolved { alert["endsAt"] = iso.string(from: Date()) }
            return alert
        }
        // Strings only: JSONSerialization cannot fail on them.
        let data = (try? JSONSerialization.data(withJSONObject: list, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data("[]".utf8)
        return String(decoding: data, as: UTF8.self)
    }

    private static func encode(_ event: MeshEvent) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // Every event encodes (recordings hold the same lines).
        return (try? encoder.encode(event)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
    }
}
