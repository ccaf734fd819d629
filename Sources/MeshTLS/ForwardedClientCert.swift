import Foundation
/// The `X-Forwarded-Client-Cert` value a listener sets for a client that presented a verified
/// certificate, as Envoy's `forward_client_cert_details: SANITIZE_SET` with
/// `set_current_client_cert_details: {subject: true, uri: true, dns: true}` does
/// (envoyproxy.io, HTTP header manipulation, x-forwarded-client-cert): `By` is the listener's own
/// URI SAN, `Hash` the SHA-256 of the client's DER certificate, then `Subject` (always quoted),
/// each `URI` and each `DNS`. Values holding `,` `;` `=` or `"` are quoted, `"` escaped.
/// An incoming XFCC is never passed on: only the proxy that checked the certificate may say
/// who the client is.
public enum ForwardedClientCert {
    public static let headerName = "X-Forwarded-Client-Cert"

    /// One element: `By=...;Hash=...;Subject="...";URI=...`.
    public static func value(client: PeerIdentity, by server: PeerIdentity?) -> String {
        var pairs: [String] = []
        if let by = server?.uris.first { pairs.append("By=" + quoted(by, always: false)) }
        pairs.append("Hash=" + client.sha256)
        pairs.append("Subject=" + quoted(client.subject, always: true))
        for uri in client.uris { pairs.append("URI=" + quoted(uri, always: false)) }
        for dns in client.dnsNames { pairs.append("DNS=" + quoted(dns, always: false)) }
        return pairs.joined(separator: ";")
    }

    static func quoted(_ raw: String, always: Bool) -> String {
        // A header value holds no control characters, whatever a certificate holds.
        let text = String(raw.unicodeScalars.filter { $0.value >= 0x20 && $0.value != 0x7F }.map(Character.init))
        let special = text.contains { ",;=\"".contains($0) }
        guard always || special else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }
}
