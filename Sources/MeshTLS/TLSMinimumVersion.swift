public import NIOSSL

/// The oldest TLS version a listener accepts (`min_version: "1.2"` or `"1.3"`); older ones
/// are refused, as Mozilla's intermediate profile does.
public enum TLSMinimumVersion: String, Sendable, Equatable, CaseIterable {
    case tls12 = "1.2"
    case tls13 = "1.3"

    public var nio: TLSVersion {
        switch self {
        case .tls12: .tlsv12
        case .tls13: .tlsv13
        }
    }
}
