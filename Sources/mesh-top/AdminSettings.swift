import Foundation
import Logging
import MeshConfig
import MeshTLS
import MeshCore
import NIOConcurrencyHelpers

/// Where the admin API listens, the token its mutating routes need, and its TLS.
struct AdminSettings {
    var address: HostPort
    var token: String?
    /// HTTPS, with client certificates when it has a client CA.
    var tls: ServerTLS?
    /// Asked now and then for a renewed certificate (`renewal`).
    var renewTLS: (@Sendable (ServerTLS) -> ServerTLS?)? = nil

    /// `--admin ADDR` (else `fallback`, mesh.yaml's `admin:` for run), with the token from
    /// mesh.yaml or MESH_TOP_TOKEN. An address other machines can reach needs a token and TLS,
    /// unless mesh.yaml says `insecure: true`.
    static func resolve(option: String?, fallback: HostPort?, token: String?, tls: ServerTLS? = nil,
                        insecure: Bool = false) throws(CommandError) -> AdminSettings? {
        var address = fallback
        if let option {
            guard let parsed = HostPort(option) else {
                throw CommandError("--admin: '\(option)' is not an address (expected host:port, or [::1]:port)")
            }
            address = parsed
        }
        guard let address else { return nil }
        let env = ProcessInfo.processInfo.environment[MeshConfig.tokenVariable].flatMap { $0.isEmpty ? nil : $0 }
        let token = token ?? env
        if !address.isLoopback, !insecure {
            if token == nil {
                throw CommandError("--admin \(address) is reachable from other machines: set \(MeshConfig.tokenVariable) (or token: in mesh.yaml)")
            }
            if tls == nil {
                throw CommandError("--admin \(address) is reachable from other machines: serve it over TLS (admin: {listen, tls} in mesh.yaml), or say insecure: true there")
            }
        }
        return AdminSettings(address: address, token: token, tls: tls)
    }

    /// The admin API's issued certificate (`tls: auto`) lives 30 days and is issued again with
    /// a third of that left (see `renewal`), as the data plane's own certificates are.
    static let autoLifetime: TimeInterval = 30 * 86_400

    /// The admin API's `tls:` from mesh.yaml: its files, or (`auto`) a certificate the built-in
    /// CA beside `configFile` issues into `folder`, for the admin address and localhost.
    static func loadTLS(_ config: ListenerTLSConfig?, configFile: String, address: HostPort,
                        folder: String) throws(CommandError) -> ServerTLS? {
        do {
            switch config {
            case nil:
                return nil
            case .files(let cert, let key, let clientCA, let minVersion):
                return try ServerTLS.load(.init(certificate: cert, key: key, clientCA: clientCA,
                                                minimumVersion: TLSMinimumVersion(rawValue: minVersion) ?? .tls12))
            case .auto:
                let ca = try CertificateAuthority.load(from: CertificateAuthority.folder(besideConfig: configFile))
                let isIP = CertificateAuthority.ipBytes(address.host) != nil
                let wildcard = ["0.0.0.0", "::"].contains(address.host)
                let issued = try ca.issue(name: "mesh-top-admin", into: folder,
                                          dnsNames: ["localhost"] + (isIP || address.host == "localhost" ? [] : [address.host]),
                                          ipAddresses: ["127.0.0.1", "::1"] + (isIP && !wildcard && !address.isLoopback ? [address.host] : []),
                                          lifetime: Self.autoLifetime)
                return try ServerTLS.load(.init(certificate: issued.certificate, key: issued.key))
            }
        } catch {
            throw CommandError("admin tls: \(error)")
        }
    }

    /// What the admin server asks now and then (`AdminServer.start(renewTLS:)`): for `auto`, a
    /// new certificate once a third of its life is left; for files, the files read again once
    /// they change (`CertificateReload`: a broken set is logged once, not at every look). A
    /// reload that fails keeps the certificate in use and says why in the log.
    static func renewal(_ config: ListenerTLSConfig?, configFile: String, address: HostPort, folder: String,
                        logger: Logger) -> (@Sendable (ServerTLS) -> ServerTLS?)? {
        guard let config else { return nil }
        let reload = NIOLockedValueBox(CertificateReload())
        return { inUse in
            let due = config == .auto && inUse.identity.notValidAfter.timeIntervalSinceNow < autoLifetime / 3
            let outcome = reload.withLockedValue {
                $0.reload(inUse.stamp, due: due, watchFiles: config != .auto) {
                    try loadTLS(config, configFile: configFile, address: address, folder: folder)
                }
            }
            switch outcome {
            case nil:
                return nil
            case .loaded(let fresh):
                logger.notice("admin API: serving a renewed certificate", metadata: ["until": "\(fresh?.identity.notValidAfter ?? .distantPast)"])
                return fresh
            case .failed(let error):
                logger.warning("\(error); the admin API keeps serving its certificate")
                return nil
            }
        }
    }
}
