import Crypto
public import Foundation
public import NIOSSL
import SwiftASN1
public import X509

/// Who is at the other end of a TLS connection, as its certificate says: the names Envoy
/// forwards in `X-Forwarded-Client-Cert` and matches in `match_subject_alt_names`.
public struct PeerIdentity: Sendable, Equatable {
    /// RFC 4514 form: `CN=web,O=mesh-top`.
    public var subject: String
    /// URI SANs (SPIFFE IDs among them).
    public var uris: [String]
    public var dnsNames: [String]
    /// IP address SANs, as text.
    public var ipAddresses: [String]
    /// SHA-256 of the certificate's DER, lower-case hex (XFCC's `Hash`).
    public var sha256: String
    public var notValidAfter: Date

    public init(subject: String, uris: [String] = [], dnsNames: [String] = [], ipAddresses: [String] = [],
                sha256: String = "", notValidAfter: Date = .distantFuture) {
        self.subject = subject; self.uris = uris; self.dnsNames = dnsNames; self.ipAddresses = ipAddresses
        self.sha256 = sha256; self.notValidAfter = notValidAfter
    }

    public init(_ certificate: Certificate) {
        var uris: [String] = [], dns: [String] = [], ips: [String] = []
        if let sans = try? certificate.extensions.subjectAlternativeNames {
            for name in sans {
                switch name {
                case .uniformResourceIdentifier(let uri): uris.append(uri)
                case .dnsName(let host): dns.append(host)
                case .ipAddress(let octets): ips.append(Self.ipText(Array(octets.bytes)))
                default: break
                }
            }
        }
        var serializer = DER.Serializer()
        let der = (try? serializer.serialize(certificate)).map { serializer.serializedBytes } ?? []
        self.init(subject: certificate.subject.description, uris: uris, dnsNames: dns, ipAddresses: ips,
                  sha256: SHA256.hash(data: der).map { String(format: "%02x", $0) }.joined(),
                  notValidAfter: certificate.notValidAfter)
    }

    /// The identity of a certificate as BoringSSL handed it over.
    public init?(_ certificate: NIOSSLCertificate) {
        guard let der = try? certificate.toDERBytes(), let cert = try? Certificate(derEncoded: der) else { return nil }
        self.init(cert)
    }

    /// The name to show: the SPIFFE ID (first URI SAN), else the first DNS SAN, else the subject.
    public var name: String { uris.first ?? dnsNames.first ?? subject }

    /// Whether one of the certificate's SANs is among `expected` (URI, DNS or IP, exactly, as
    /// Envoy's `match_subject_alt_names` with `exact`); an empty list accepts any.
    public func matches(_ expected: [String]) -> Bool {
        expected.isEmpty || expected.contains { uris.contains($0) || dnsNames.contains($0) || ipAddresses.contains($0) }
    }

    /// Whole days from `now` to expiry, rounded down (negative once expired).
    public func daysToExpiry(now: Date = Date()) -> Int {
        Int((notValidAfter.timeIntervalSince(now) / 86_400).rounded(.down))
    }

    private static func ipText(_ bytes: [UInt8]) -> String {
        if bytes.count == 4 { return bytes.map(String.init).joined(separator: ".") }
        guard bytes.count == 16 else { return bytes.map { String(format: "%02x", $0) }.joined() }
        var address = in6_addr()
        withUnsafeMutableBytes(of: &address) { $0.copyBytes(from: bytes) }
        var text = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
        inet_ntop(AF_INET6, &address, &text, socklen_t(text.count))
        return String(cString: text)
    }
}
