public import Foundation
public import NIOCore
public import NIOSSL

/// How mesh-top's outbound connections (to endpoints, health checks) speak TLS: which CA the
/// endpoint's certificate must chain to, the certificate mesh-top presents (mutual TLS), the
/// SNI name, and the identity the endpoint must prove (`upstream_tls:`, Envoy's
/// `UpstreamTlsContext` with `match_subject_alt_names`).
public final class ClientTLS: Sendable {
    public struct Settings: Sendable, Equatable {
        /// CA file; the system's roots when nil.
        public var ca: String?
        public var certificate: String?
        public var key: String?
        /// Sent as SNI and, when verifying, checked against the certificate's DNS names.
        public var serverName: String?
        /// false: any certificate is taken (encryption without authentication).
        public var verify: Bool
        /// The endpoint's certificate must carry one of these SANs (URI, DNS or IP); empty: any
        /// certificate the CA signed.
        public var expectedNames: [String]

        public init(ca: String? = nil, certificate: String? = nil, key: String? = nil, serverName: String? = nil,
                    verify: Bool = true, expectedNames: [String] = []) {
            self.ca = ca; self.certificate = certificate; self.key = key; self.serverName = serverName
            self.verify = verify; self.expectedNames = expectedNames
        }

        var paths: [String] { [ca, certificate, key].compactMap { $0 } }
    }

    public let settings: Settings
    public let context: NIOSSLContext
    /// mesh-top's own certificate, when it presents one.
    public let identity: PeerIdentity?
    public let stamp: FileStamp

    /// Whether a completed handshake proves who the endpoint is (a verified chain).
    public var verifies: Bool { settings.verify }
    public var presentsCertificate: Bool { identity != nil }

    private init(settings: Settings, context: NIOSSLContext, identity: PeerIdentity?, stamp: FileStamp) {
        self.settings = settings; self.context = context; self.identity = identity; self.stamp = stamp
    }

    /// Reads and checks the files; one line naming the file when one is wrong.
    public static func load(_ settings: Settings, now: Date = Date()) throws(TLSError) -> ClientTLS {
        let stamp = FileStamp(settings.paths)
        let (config, identity) = try configuration(settings, now: now)
        do {
            return ClientTLS(settings: settings, context: try NIOSSLContext(configuration: config), identity: identity, stamp: stamp)
        } catch {
            throw TLSError(file: settings.certificate ?? settings.ca, "BoringSSL refuses this TLS set-up: \(error)")
        }
    }

    /// The files read and checked as a client `TLSConfiguration` (for AsyncHTTPClient, which
    /// builds its own contexts), with mesh-top's identity when it presents a certificate.
    public static func configuration(_ settings: Settings, now: Date = Date()) throws(TLSError) -> (TLSConfiguration, PeerIdentity?) {
        var config = TLSConfiguration.makeClientConfiguration()
        config.minimumTLSVersion = .tlsv12
        var identity: PeerIdentity?
        switch (settings.certificate, settings.key) {
        case let (cert?, key?):
            let pair = try CertificateKeyPair(cert: cert, key: key, now: now)
            config.certificateChain = pair.chain.map { .certificate($0) }
            config.privateKey = .privateKey(pair.key)
            identity = PeerIdentity(pair.leaf)
        case (let cert?, nil):
            throw TLSError(file: cert, "a client certificate needs its key too (key:)")
        case (nil, let key?):
            throw TLSError(file: key, "a key needs its certificate too (cert:)")
        case (nil, nil):
            break
        }
        if settings.verify {
            if let ca = settings.ca { config.trustRoots = .certificates(try TrustBundle(file: ca, now: now).roots) }
            config.certificateVerification = settings.serverName == nil ? .noHostnameVerification : .fullVerification
        } else {
            config.certificateVerification = .none
        }
        return (config, identity)
    }

    /// Starts TLS on a connected `channel` (on its event loop), in front of the handlers
    /// already there. The future gives the endpoint's identity once the handshake is done and
    /// the identity checked, or fails with a `TLSError` saying why (one line).
    /// - Parameter host: the SNI name when `serverName` is not set and `host` is a name.
    public func secure(_ channel: any Channel, host: String?) -> EventLoopFuture<PeerIdentity?> {
        let promise = channel.eventLoop.makePromise(of: PeerIdentity?.self)
        do {
            let sni = settings.serverName ?? host.flatMap { Self.isIPAddress($0) ? nil : $0 }
            let tls = try NIOSSLClientHandler(context: context, serverHostname: sni)
            let watch = HandshakeWatch(promise: promise, expected: settings.verify ? settings.expectedNames : [])
            try channel.pipeline.syncOperations.addHandlers([tls, watch], position: .first)
        } catch {
            promise.fail(TLSError("cannot start TLS: \(error)"))
        }
        return promise.futureResult
    }

    static func isIPAddress(_ host: String) -> Bool {
        CertificateAuthority.ipBytes(host) != nil
    }
}
