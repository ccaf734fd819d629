public import Foundation

/// Where firing and resolved alerts are sent (`notify:`).
public struct NotifyTarget: Sendable, Equatable {
    /// The body a webhook receives.
    public enum Format: String, Sendable, Equatable, CaseIterable {
        /// Alertmanager's `POST /api/v2/alerts` array of alerts.
        case alertmanager
        /// The `alert` event as mesh-top writes it in recordings.
        case json
    }

    /// An `http` or `https` URL.
    public var webhook: URL
    public var format: Format

    public init(webhook: URL, format: Format = .json) { self.webhook = webhook; self.format = format }
}
