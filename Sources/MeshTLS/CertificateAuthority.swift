import Crypto
public import Foundation
import SwiftASN1
public import X509

/// mesh-top's own certificate authority (`mesh-top ca init`): a P-256 root in a folder beside
/// the config (`ca.pem`, and `ca.key` readable by its owner only), which issues short-lived
/// certificates whose URI SAN is a SPIFFE ID (`spiffe://mesh-top.local/ns/default/sa/SERVICE`,
/// the form Istio and Linkerd give workload identities; spiffe.io, SPIFFE-ID).
public struct CertificateAuthority: @unchecked Sendable {
    public static let trustDomain = "mesh-top.local"
    /// The folder `ca init` makes beside mesh.yaml.
    public static let folderName = "mesh-top-ca"
    /// Issued certificates live a day, as Linkerd's workload certificates do, and are renewed
    /// once two thirds of that has passed.
    public static let defaultLifetime: TimeInterval = 24 * 3600
    /// The root lives ten years.
    public static let rootLifetime: TimeInterval = 10 * 365 * 86_400

    public let certificate: Certificate
    let key: Certificate.PrivateKey
    public let folder: String

    public var certificateFile: String { Self.certificateFile(in: folder) }
    public var keyFile: String { Self.keyFile(in: folder) }
    public static func certificateFile(in folder: String) -> String { folder + "/ca.pem" }
    public static func keyFile(in folder: String) -> String { folder + "/ca.key" }

    /// The SPIFFE ID of a service.
    public static func spiffeID(service: String) -> String {
        "spiffe://\(trustDomain)/ns/default/sa/\(service)"
    }

    /// The CA folder for a config file: `mesh-top-ca` in the config's folder.
    public static func folder(besideConfig path: String) -> String {
        URL(fileURLWithPath: path).deletingLastPathComponent().appendingPathComponent(folderName).path
    }

    // MARK: Creating and loading

    /// Makes a new root in `folder` (created 0700 when missing). Refuses to replace one that is
    /// there: every certificate it issued would stop being trusted.
    @discardableResult
    public static func create(in folder: String, now: Date = Date()) throws(TLSError) -> CertificateAuthority {
        let fm = FileManager.default
        if fm.fileExists(atPath: certificateFile(in: folder)) || fm.fileExists(atPath: keyFile(in: folder)) {
            throw TLSError(file: folder, "a CA is already there (remove the folder to start over; every certificate it issued stops being trusted)")
        }
        do {
            try fm.createDirectory(atPath: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        } catch {
            throw TLSError(file: folder, "cannot be created: \(error.localizedDescription)")
        }
        let key = Certificate.PrivateKey(P256.Signing.PrivateKey())
        let certificate: Certificate
        do {
            let name = try DistinguishedName {
                OrganizationName("mesh-top")
                CommonName("mesh-top CA")
            }
            certificate = try Certificate(
                version: .v3, serialNumber: Certificate.SerialNumber(), publicKey: key.publicKey,
                notValidBefore: now.addingTimeInterval(-300), notValidAfter: now.addingTimeInterval(rootLifetime),
                issuer: name, subject: name, signatureAlgorithm: .ecdsaWithSHA256,
                extensions: try Certificate.Extensions {
                    Critical(BasicConstraints.isCertificateAuthority(maxPathLength: 0))
                    Critical(KeyUsage(digitalSignature: true, keyCertSign: true, cRLSign: true))
                    SubjectKeyIdentifier(hash: key.publicKey)
                },
                issuerPrivateKey: key)
        } catch {
            throw TLSError(file: folder, "cannot make the CA certificate: \(error)")
        }
        try write(try pem(certificate), to: certificateFile(in: folder), mode: 0o644)
        try write(try pem(key), to: keyFile(in: folder), mode: 0o600)
        return CertificateAuthority(certificate: certificate, key: key, folder: folder)
    }

    /// Reads the CA in `folder`; one line when it is missing (`mesh-top ca init`), unreadable,
    /// expired, or its key is not its certificate's, or readable by others.
    public static func load(from folder: String, now: Date = Date()) throws(TLSError) -> CertificateAuthority {
        let certFile = certificateFile(in: folder), keyFile = keyFile(in: folder)
        guard FileManager.default.fileExists(atPath: certFile) else {
            throw TLSError(file: folder, "no CA here: run `mesh-top ca init` first")
        }
        let pair = try CertificateKeyPair(cert: certFile, key: keyFile, now: now)
        if let mode = (try? FileManager.default.attributesOfItem(atPath: keyFile))?[.posixPermissions] as? Int,
           mode & 0o077 != 0 {
            throw TLSError(file: keyFile, "is readable by others (mode \(String(mode, radix: 8))): chmod 600 it")
        }
        return CertificateAuthority(certificate: pair.leaf, key: try PEMFile.privateKey(keyFile), folder: folder)
    }

    // MARK: Issuing

    /// A certificate and key, as PEM.
    public struct Issued: Sendable {
        public var certificatePEM: String
        public var keyPEM: String
        public var notValidAfter: Date
    }

    /// Issues a leaf for `name` that servers and clients both use (TLS Web Server and Client
    /// Authentication), valid `lifetime` seconds from five minutes ago (clock skew).
    /// - Parameters:
    ///   - uris: URI SANs; by default the SPIFFE ID of `name`.
    ///   - dnsNames: DNS SANs (`localhost`, the listener's host name).
    ///   - ipAddresses: IP SANs, as text (`127.0.0.1`, `::1`).
    public func issue(name: String, uris: [String]? = nil, dnsNames: [String] = [], ipAddresses: [String] = [],
                      lifetime: TimeInterval = defaultLifetime, now: Date = Date()) throws(TLSError) -> Issued {
        let leafKey = Certificate.PrivateKey(P256.Signing.PrivateKey())
        var sans: [GeneralName] = (uris ?? [Self.spiffeID(service: name)]).map { .uniformResourceIdentifier($0) }
        sans += dnsNames.map { .dnsName($0) }
        for ip in ipAddresses {
            guard let bytes = Self.ipBytes(ip) else { throw TLSError("'\(ip)' is not an IP address") }
            sans.append(.ipAddress(ASN1OctetString(contentBytes: bytes[...])))
        }
        let notAfter = min(now.addingTimeInterval(lifetime), certificate.notValidAfter)
        do {
            let subject = try DistinguishedName {
                OrganizationName("mesh-top")
                CommonName(name)
            }
            let leaf = try Certificate(
                version: .v3, serialNumber: Certificate.SerialNumber(), publicKey: leafKey.publicKey,
                notValidBefore: now.addingTimeInterval(-300), notValidAfter: notAfter,
                issuer: certificate.subject, subject: subject, signatureAlgorithm: .ecdsaWithSHA256,
                extensions: try Certificate.Extensions {
                    Critical(BasicConstraints.notCertificateAuthority)
                    Critical(KeyUsage(digitalSignature: true))
                    try ExtendedKeyUsage([.serverAuth, .clientAuth])
                    AuthorityKeyIdentifier(keyIdentifier: try? certificate.extensions.subjectKeyIdentifier?.keyIdentifier)
                    SubjectAlternativeNames(sans)
                },
                issuerPrivateKey: key)
            return Issued(certificatePEM: try Self.pem(leaf), keyPEM: try Self.pem(leafKey), notValidAfter: notAfter)
        } catch let error as TLSError {
            throw error
        } catch {
            throw TLSError("cannot issue a certificate for \(name): \(error)")
        }
    }

    /// Issues for `name` and writes `NAME.pem`, `NAME.key` (0600) and a copy of the CA as
    /// `ca.pem` into `folder`; the three paths.
    public func issue(name: String, into folder: String, uris: [String]? = nil, dnsNames: [String] = [],
                      ipAddresses: [String] = [], lifetime: TimeInterval = defaultLifetime,
                      now: Date = Date()) throws(TLSError) -> IssuedFiles {
        let issued = try issue(name: name, uris: uris, dnsNames: dnsNames, ipAddresses: ipAddresses, lifetime: lifetime, now: now)
        do {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true,
                                                    attributes: [.posixPermissions: 0o700])
        } catch {
            throw TLSError(file: folder, "cannot be created: \(error.localizedDescription)")
        }
        let files = IssuedFiles(certificate: folder + "/\(name).pem", key: folder + "/\(name).key", ca: folder + "/ca.pem",
                                notValidAfter: issued.notValidAfter)
        // The key first: a reader that sees the new certificate finds its key already there.
        try Self.write(issued.keyPEM, to: files.key, mode: 0o600)
        try Self.write(issued.certificatePEM, to: files.certificate, mode: 0o644)
        try Self.write(try Self.pem(certificate), to: files.ca, mode: 0o644)
        return files
    }

    public struct IssuedFiles: Sendable, Equatable {
        public var certificate: String
        public var key: String
        public var ca: String
        public var notValidAfter: Date
    }

    // MARK: Files

    static func pem(_ cert: Certificate) throws(TLSError) -> String {
        do { return try cert.serializeAsPEM().pemString } catch { throw TLSError("cannot encode a certificate: \(error)") }
    }

    static func pem(_ key: Certificate.PrivateKey) throws(TLSError) -> String {
        do { return try key.serializeAsPEM().pemString } catch { throw TLSError("cannot encode a private key: \(error)") }
    }

    /// Writes through a temporary file renamed into place, so a reader (a reload) never sees
    /// half a file; the mode is set before any byte is written. A PEM file ends with a newline,
    /// so that `cat cert.pem cert.key > bundle.pem` (HAProxy's `crt`) stays PEM.
    static func write(_ text: String, to path: String, mode: Int) throws(TLSError) {
        let text = text.hasSuffix("\n") ? text : text + "\n"
        let temp = path + ".tmp-\(getpid())"
        let fd = open(temp, O_WRONLY | O_CREAT | O_TRUNC, mode_t(mode))
        guard fd >= 0 else { throw TLSError(file: path, "cannot be written: \(String(cString: strerror(errno)))") }
        let bytes = Array(text.utf8)
        let written = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
        fchmod(fd, mode_t(mode))
        close(fd)
        guard written == bytes.count, rename(temp, path) == 0 else {
            unlink(temp)
            throw TLSError(file: path, "cannot be written: \(String(cString: strerror(errno)))")
        }
    }

    /// The bytes of an IPv4 or IPv6 address written as text; nil for anything else (a host name).
    public static func ipBytes(_ text: String) -> [UInt8]? {
        var v4 = in_addr()
        if inet_pton(AF_INET, text, &v4) == 1 { return withUnsafeBytes(of: &v4) { Array($0) } }
        var v6 = in6_addr()
        if inet_pton(AF_INET6, text, &v6) == 1 { return withUnsafeBytes(of: &v6) { Array($0) } }
        return nil
    }
}
