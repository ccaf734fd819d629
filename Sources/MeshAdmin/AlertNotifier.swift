import Foundation
public import Logging
public import MeshConfig
public import MeshCore

/// Sends alerts to `notify:` webhooks as they fire and resolve: Alertmanager's
/// `POST /api/v2/alerts` shape (firing alerts re-sent every `resendInterval`, because Alertmanager
/// resolves an alert it stops hearing about), or the `alert` event itself as JSON. Posting
/// happens on its own queue: the engine never waits for a webhook.
public final class AlertNotifier: @unchecked Sendable {
    /// Alertmanager resolves after `resolve_timeout` (5m by default) without news.
    public static let resendInterval = 60.0

    private struct Firing {
        var change: AlertChange
        var startsAt: Date
    }

    private let targets: [NotifyTarget]
    private let logger: Logger
    // Touched only on `queue`.
    private let queue = DispatchQueue(label: "mesh-top.notify")
    private var firing: [String: Firing] = [:]
    private var failed: Set<URL> = []
    private var timer: (any DispatchSourceTimer)?

    /// A webhook that fails is logged at `warning` the first time (it keeps being tried, each
    /// failure at `debug`), and at `notice` when it takes alerts again.
    public init(targets: [NotifyTarget], logger: Logger) {
        self.targets = targets
        self.logger = logger
        guard targets.contains(where: { $0.format == .alertmanager }) else { return }
        let timer = DispatchSource.makeTimerSource(queue: queue)
        timer.schedule(deadline: .now() + Self.resendInterval, repeating: Self.resendInterval)
        timer.setEventHandler { [weak self] in self?.resendFiring() }
        timer.resume()
        self.timer = timer
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
            self.timer?.cancel()
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
            firing[key] = Firing(change: change, startsAt: startsAt)
        case .resolved:
            startsAt = firing.removeValue(forKey: key)?.startsAt ?? Date()
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

    private func resendFiring() {
        guard !firing.isEmpty else { return }
        let body = Self.alertmanagerBody(firing.values.map { ($0.change, $0.startsAt) })
        for target in targets where target.format == .alertmanager { post(body, to: target.webhook) }
    }

    private func post(_ body: String, to url: URL) {
        let host = url.host ?? "127.0.0.1"
        let port = url.port ?? 80
        var path = url.path.isEmpty ? "/" : url.path
        if let query = url.query { path += "?" + query }
        do {
            let answer = try AdminClient(host: host, port: port).send("POST", path, body: body, timeout: 5)
            guard (200..<300).contains(answer.status) else { return complain(url, "answered \(answer.status)") }
            if failed.remove(url) != nil { logger.notice("notify: \(url.absoluteString) takes alerts again") }
        } catch {
            complain(url, "cannot be reached (\(error))")
        }
    }

    private func complain(_ url: URL, _ what: String) {
        let line: Logger.Message = "notify: \(url.absoluteString) \(what); alerts will keep being sent to it"
        if failed.insert(url).inserted { logger.warning(line) } else { logger.debug(line) }
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
