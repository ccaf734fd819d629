public import Foundation
public import NIOSSL
public import X509

/// The CA certificates a peer's certificate must chain to (`client_ca:`, `ca:`), read from one
/// PEM file and checked: at least one certificate, each a CA (basicConstraints CA:TRUE, RFC 5280
/// §4.2.1.9; a server's own certificate given as `ca:` is the usual mistake), none expired.
public struct TrustBundle: @unchecked Sendable {
    public let certificates: [Certificate]
    public let roots: [NIOSSLCertificate]
    public let file: String

    public init(file: String, now: Date = Date()) throws(TLSError) {
        let certs = try PEMFile.certificates(file)
        for cert in certs {
            guard case .isCertificateAuthority = try? cert.extensions.basicConstraints else {
                throw TLSError(file: file, "holds a certificate that is not a CA (\(cert.subject)): give the CA that issued it")
            }
            try CertificateKeyPair.checkValidity(cert, file: file, now: now)
        }
        certificates = certs
        roots = try PEMFile.nioCertificates(certs, file: file)
        self.file = file
    }
}
