public import Foundation
public import NIOSSL

/// What a TLS listener serves with: its certificate and key, and for mutual TLS the CA that
/// client certificates must chain to. Built whole from files, checked first, so that a reload
/// either takes a complete new set or keeps the old one (Envoy's SDS does the same).
public final class ServerTLS: Sendable {
    /// The files a listener names (`tls: {cert, key, client_ca, min_version}`).
    public struct Files: Sendable, Equatable {
        public var certificate: String
        public var key: String
        /// Clients must present a certificate that chains to these (mutual TLS).
        public var clientCA: String?
        public var minimumVersion: TLSMinimumVersion

        public init(certificate: String, key: String, clientCA: String? = nil, minimumVersion: TLSMinimumVersion = .tls12) {
            self.certificate = certificate; self.key = key; self.clientCA = clientCA; self.minimumVersion = minimumVersion
        }

        var paths: [String] { [certificate, key] + (clientCA.map { [$0] } ?? []) }
    }

    public let files: Files
    public let context: NIOSSLContext
    /// The listener's own identity (XFCC's `By`) and expiry.
    public let identity: PeerIdentity
    /// The files' state when they were read, to see a change.
    public let stamp: FileStamp

    public var requiresClientCertificate: Bool { files.clientCA != nil }

    private init(files: Files, context: NIOSSLContext, identity: PeerIdentity, stamp: FileStamp) {
        self.files = files; self.context = context; self.identity = identity; self.stamp = stamp
    }

    /// Reads and checks every file; one line naming the file when one is wrong.
    public static func load(_ files: Files, now: Date = Date()) throws(TLSError) -> ServerTLS {
        let stamp = FileStamp(files.paths)
        let pair = try CertificateKeyPair(cert: files.certificate, key: files.key, now: now)
        var config = TLSConfiguration.makeServerConfiguration(certificateChain: pair.chain.map { .certificate($0) },
                                                              privateKey: .privateKey(pair.key))
        config.minimumTLSVersion = files.minimumVersion.nio
        if let ca = files.clientCA {
            let bundle = try TrustBundle(file: ca, now: now)
            config.trustRoots = .certificates(bundle.roots)
            config.certificateVerification = .noHostnameVerification
            config.sendCANameList = true
        }
        do {
            return ServerTLS(files: files, context: try NIOSSLContext(configuration: config),
                             identity: PeerIdentity(pair.leaf), stamp: stamp)
        } catch {
            throw TLSError(file: files.certificate, "BoringSSL refuses this certificate and key: \(error)")
        }
    }
}
