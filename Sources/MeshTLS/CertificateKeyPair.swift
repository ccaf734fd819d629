public import Foundation
public import NIOSSL
public import X509

/// A certificate chain and its private key, read from two PEM files and checked before use
/// (Envoy's `TlsCertificate`): the key must be the certificate's, and the certificate valid now.
public struct CertificateKeyPair: @unchecked Sendable {
    /// The leaf certificate: identity and expiry.
    public let leaf: Certificate
    public let chain: [NIOSSLCertificate]
    public let key: NIOSSLPrivateKey
    public let certificateFile: String
    public let keyFile: String

    /// Reads and checks `cert` and `key`. Fails with one line naming the file: missing,
    /// unreadable, not PEM, a key that is not the certificate's, a certificate expired or not
    /// yet valid at `now`.
    public init(cert: String, key: String, now: Date = Date()) throws(TLSError) {
        let certs = try PEMFile.certificates(cert)
        let privateKey = try PEMFile.privateKey(key)
        let leaf = certs[0]
        guard privateKey.publicKey == leaf.publicKey else {
            throw TLSError(file: key, "is not the private key of the certificate in \(cert)")
        }
        try Self.checkValidity(leaf, file: cert, now: now)
        self.leaf = leaf
        self.chain = try PEMFile.nioCertificates(certs, file: cert)
        self.key = try PEMFile.nioPrivateKey(key)
        self.certificateFile = cert
        self.keyFile = key
    }

    /// Days from `now` until the leaf expires (negative once expired), rounded down.
    public func daysToExpiry(now: Date = Date()) -> Int {
        Int((leaf.notValidAfter.timeIntervalSince(now) / 86_400).rounded(.down))
    }

    static func checkValidity(_ cert: Certificate, file: String, now: Date) throws(TLSError) {
        if cert.notValidAfter < now {
            throw TLSError(file: file, "the certificate expired on \(Self.day(cert.notValidAfter))")
        }
        if cert.notValidBefore > now.addingTimeInterval(300) {
            throw TLSError(file: file, "the certificate is not valid before \(Self.day(cert.notValidBefore))")
        }
    }

    /// `2025-01-02 10:00 UTC`.
    static func day(_ date: Date) -> String {
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.timeZone = TimeZone(identifier: "UTC")
        f.dateFormat = "yyyy-MM-dd HH:mm 'UTC'"
        return f.string(from: date)
    }
}
