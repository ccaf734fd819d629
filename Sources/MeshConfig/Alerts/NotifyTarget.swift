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

    /// For an `https` webhook: the CA its certificate chains to (the system's roots when nil),
    /// and a client certificate and key to present.
    public struct TLS: Sendable, Equatable {
        public var ca: String?
        public var cert: String?
        public var key: String?

        public init(ca: String? = nil, cert: String? = nil, key: String? = nil) { self.ca = ca; self.cert = cert; self.key = key }
    }

    /// An `http` or `https` URL.
    public var webhook: URL
    public var format: Format
    public var tls: TLS

    public init(webhook: URL, format: Format = .json, tls: TLS = TLS()) {
        self.webhook = webhook; self.format = format; self.tls = tls
    }
}
