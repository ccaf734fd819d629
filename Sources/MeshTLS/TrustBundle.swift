public import Foundation
public import NIOSSL
public import X509

/// The CA certificates a peer's certificate must chain to (`client_ca:`, `ca:`), read from one
/// PEM file and checked: at least one certificate, none expired.
public struct TrustBundle: @unchecked Sendable {
    public let certificates: [Certificate]
    public let roots: [NIOSSLCertificate]
    public let file: String

    public init(file: String, now: Date = Date()) throws(TLSError) {
        let certs = try PEMFile.certificates(file)
        for cert in certs { try CertificateKeyPair.checkValidity(cert, file: file, now: now) }
        certificates = certs
        roots = try PEMFile.nioCertificates(certs, file: file)
        self.file = file
    }
}
