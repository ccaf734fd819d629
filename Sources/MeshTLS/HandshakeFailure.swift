import Foundation
import NIOSSL

/// A handshake error in a few words: BoringSSL's reason code (`CERTIFICATE_VERIFY_FAILED`,
/// `TLSV1_ALERT_UNKNOWN_CA`, `WRONG_VERSION_NUMBER`) in lower case, not NIO's nested dump.
public enum HandshakeFailure {
    public static func reason(_ error: any Error) -> String {
        if let ssl = error as? NIOSSLError {
            switch ssl {
            case .handshakeFailed(let inner): return reason(text: "\(inner)")
            case .uncleanShutdown: return "the peer closed without finishing"
            default: return reason(text: "\(ssl)")
            }
        }
        if let tls = error as? TLSError { return tls.message }
        if let hostname = error as? NIOSSLExtraError { return reason(text: "\(hostname)") }
        return reason(text: "\(error)")
    }

    /// Whether the error is a TLS alert from the peer (BoringSSL's `…_ALERT_…` reasons), not
    /// a connection that merely closed.
    public static func isAlert(_ error: any Error) -> Bool {
        (error is BoringSSLError || error is NIOSSLError) && "\(error)".contains("_ALERT_")
    }

    /// The last `:REASON_CODE` of an OpenSSL-style error string, else the text itself.
    static func reason(text: String) -> String {
        if text.contains("eofDuringHandshake") || text.contains("EOF during handshake") { return "the peer closed the connection during the handshake" }
        if text.contains("failedToValidateHostname") { return "the certificate is not for that host name (SNI)" }
        guard let range = text.range(of: "OPENSSL_internal:", options: .backwards) else { return text }
        let code = text[range.upperBound...].prefix { $0.isLetter || $0.isNumber || $0 == "_" }
        guard !code.isEmpty else { return text }
        return code.lowercased().replacingOccurrences(of: "_", with: " ")
    }
}
