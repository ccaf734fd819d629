import Foundation
import MeshConfig
import MeshCore
import MeshTLS

/// Every certificate a live mesh serves and presents: loaded from the files mesh.yaml names,
/// or issued by the built-in CA for `tls: auto` (listeners, mesh-top's own client certificate,
/// supervised endpoints). `check` reloads changed files (keeping the old set when the new one
/// is wrong) and renews issued certificates once two thirds of their life has passed.
final class LiveTLS {
    /// The environment variables a supervised endpoint of a `tls: auto` service finds its
    /// certificate, key and CA in.
    static let certificateVariable = "MESH_TOP_TLS_CERT"
    static let keyVariable = "MESH_TOP_TLS_KEY"
    static let caVariable = "MESH_TOP_TLS_CA"
    /// mesh-top's identity towards endpoints.
    static let clientName = "mesh-top"
    /// How often files are looked at for a change (seconds).
    static let checkInterval = 2.0

    struct Service {
        var name: String
        var listen: HostPort?
        var listener: ListenerTLSConfig?
        var upstream: UpstreamTLSConfig?
        var server: ServerTLS?
        var client: ClientTLS?
        /// When the issued listener certificate is due for renewal.
        var serverRenewal: Date?
        var serverReload = CertificateReload()
        var clientReload = CertificateReload()
    }

    /// What changed at a `check`: new material for a service's listener or upstreams, and
    /// lines worth an event.
    struct Change {
        var service: Int
        var server: ServerTLS?
        var client: ClientTLS?
    }

    private(set) var services: [Service] = []
    let ca: CertificateAuthority?
    let directory: String
    let lifetime: TimeInterval
    /// mesh-top's own issued client certificate, shared by every `upstream_tls: auto` service.
    private var clientFiles: CertificateAuthority.IssuedFiles?
    private var endpointFiles: [String: (name: String, host: String?, files: CertificateAuthority.IssuedFiles)] = [:]
    private var lastCheck = Date.distantPast

    /// Loads every file and issues what `tls: auto` needs; one line naming the service and the
    /// file on failure.
    init(config: MeshConfig, directory: String, lifetime: TimeInterval = CertificateAuthority.defaultLifetime,
         now: Date = Date()) throws(LiveError) {
        self.directory = directory
        self.lifetime = lifetime
        if config.usesBuiltInCA {
            do {
                ca = try CertificateAuthority.load(from: CertificateAuthority.folder(besideConfig: config.file), now: now)
            } catch {
                throw LiveError("tls: auto: \(error)")
            }
        } else {
            ca = nil
        }
        for service in config.services {
            var entry = Service(name: service.name, listen: service.listen, listener: service.tls, upstream: service.upstreamTLS)
            do {
                entry.server = try loadServer(&entry, now: now)
                entry.client = try loadClient(entry, now: now)
            } catch {
                throw LiveError("service \(service.name): \(error)")
            }
            services.append(entry)
        }
    }

    /// How a service's traffic to its endpoints speaks TLS; nil for plain (and for services
    /// only registrations brought).
    func client(_ service: Int) -> ClientTLS? { service < services.count ? services[service].client : nil }

    // MARK: Loading

    private func loadServer(_ entry: inout Service, now: Date) throws(TLSError) -> ServerTLS? {
        switch entry.listener {
        case nil:
            return nil
        case .files(let cert, let key, let clientCA, let minVersion):
            return try ServerTLS.load(.init(certificate: cert, key: key, clientCA: clientCA,
                                            minimumVersion: TLSMinimumVersion(rawValue: minVersion) ?? .tls12), now: now)
        case .auto:
            guard let ca else { throw TLSError("tls: auto needs the built-in CA (mesh-top ca init)") }
            let host = entry.listen?.host
            let issued = try ca.issue(name: entry.name, into: directory + "/listeners", dnsNames: Self.dnsNames(host),
                                      ipAddresses: Self.ipAddresses(host), lifetime: lifetime, now: now)
            entry.serverRenewal = renewal(of: issued)
            return try ServerTLS.load(.init(certificate: issued.certificate, key: issued.key, clientCA: issued.ca), now: now)
        }
    }

    private func loadClient(_ entry: Service, now: Date) throws(TLSError) -> ClientTLS? {
        switch entry.upstream {
        case nil:
            return nil
        case .files(let f):
            return try ClientTLS.load(.init(ca: f.ca, certificate: f.cert, key: f.key, serverName: f.sni, verify: f.verify,
                                            expectedNames: f.subjectAltNames), now: now)
        case .auto:
            guard let ca else { throw TLSError("upstream_tls: auto needs the built-in CA (mesh-top ca init)") }
            let files: CertificateAuthority.IssuedFiles
            if let existing = clientFiles {
                files = existing
            } else {
                files = try ca.issue(name: Self.clientName, into: directory + "/client", lifetime: lifetime, now: now)
                clientFiles = files
            }
            return try ClientTLS.load(.init(ca: files.ca, certificate: files.certificate, key: files.key,
                                            expectedNames: [CertificateAuthority.spiffeID(service: entry.name)]), now: now)
        }
    }

    /// The environment a supervised endpoint starts with: its own certificate (the service's
    /// SPIFFE ID) when its service's upstreams use the built-in CA; empty otherwise.
    func environment(service: String, endpoint: String, host: String?) throws(LiveError) -> [String: String] {
        guard let ca, services.first(where: { $0.name == service })?.upstream == .auto else { return [:] }
        let key = "\(service)/\(endpoint)"
        do {
            let files = try ca.issue(name: service, into: directory + "/endpoints/\(service).\(endpoint)",
                                     dnsNames: Self.dnsNames(host), ipAddresses: Self.ipAddresses(host), lifetime: lifetime)
            endpointFiles[key] = (service, host, files)
            return [Self.certificateVariable: files.certificate, Self.keyVariable: files.key, Self.caVariable: files.ca]
        } catch {
            throw LiveError("\(key): tls: auto: \(error)")
        }
    }

    // MARK: Reload and renewal

    /// Reloads what changed on disk and renews what is due; `report` gets one line per event
    /// (service, what happened). At most every `checkInterval`.
    func check(now: Date = Date(), report: (String, String) -> Void) -> [Change] {
        guard now.timeIntervalSince(lastCheck) >= Self.checkInterval else { return [] }
        lastCheck = now
        var changes: [Change] = []
        let renewClient = clientFiles.map { now >= renewal(of: $0) } ?? false
        if renewClient { clientFiles = nil }
        renewEndpoints(now: now, report: report)
        for i in services.indices {
            var change = Change(service: i)
            reloadServer(i, now: now, into: &change, report: report)
            reloadClient(i, renew: renewClient, now: now, into: &change, report: report)
            if change.server != nil || change.client != nil { changes.append(change) }
        }
        return changes
    }

    private func reloadServer(_ i: Int, now: Date, into change: inout Change, report: (String, String) -> Void) {
        var entry = services[i]
        guard let current = entry.server else { return }
        let due = entry.serverRenewal.map { now >= $0 } ?? false
        var reload = entry.serverReload
        let outcome = reload.reload(current.stamp, due: due, watchFiles: entry.listener != .auto) {
            try loadServer(&entry, now: now)
        }
        entry.serverReload = reload
        switch outcome {
        case nil:
            return
        case .loaded(let fresh):
            entry.server = fresh
            change.server = fresh
            report(entry.name, due ? "listener certificate renewed" : "listener certificate reloaded from \(current.files.certificate)")
        case .failed(let error):
            report(entry.name, "listener certificate not reloaded, the old one stays: \(error)")
        }
        services[i] = entry
    }

    private func reloadClient(_ i: Int, renew: Bool, now: Date, into change: inout Change, report: (String, String) -> Void) {
        var entry = services[i]
        guard let current = entry.client else { return }
        let due = renew && entry.upstream == .auto
        let outcome = entry.clientReload.reload(current.stamp, due: due, watchFiles: entry.upstream != .auto) { [entry] in
            try loadClient(entry, now: now)
        }
        switch outcome {
        case nil:
            return
        case .loaded(let fresh):
            entry.client = fresh
            change.client = fresh
            report(entry.name, due ? "upstream client certificate renewed" : "upstream TLS files reloaded")
        case .failed(let error):
            report(entry.name, "upstream TLS files not reloaded, the old ones stay: \(error)")
        }
        services[i] = entry
    }

    /// Writes new files for supervised endpoints whose certificates are due (at the same paths:
    /// an endpoint that re-reads its files picks them up).
    private func renewEndpoints(now: Date, report: (String, String) -> Void) {
        guard let ca else { return }
        for (key, entry) in endpointFiles where now >= renewal(of: entry.files) {
            let folder = (entry.files.certificate as NSString).deletingLastPathComponent
            do {
                let files = try ca.issue(name: entry.name, into: folder, dnsNames: Self.dnsNames(entry.host),
                                         ipAddresses: Self.ipAddresses(entry.host), lifetime: lifetime, now: now)
                endpointFiles[key] = (entry.name, entry.host, files)
                report(entry.name, "\(key): certificate renewed")
            } catch {
                report(entry.name, "\(key): certificate not renewed: \(error)")
            }
        }
    }

    /// Two thirds into the certificate's life.
    private func renewal(of files: CertificateAuthority.IssuedFiles) -> Date {
        files.notValidAfter.addingTimeInterval(-lifetime / 3)
    }

    // MARK: Names

    static func dnsNames(_ host: String?) -> [String] {
        var names = ["localhost"]
        if let host, CertificateAuthority.ipBytes(host) == nil, host != "localhost" { names.append(host) }
        return names
    }

    static func ipAddresses(_ host: String?) -> [String] {
        var ips = ["127.0.0.1", "::1"]
        if let host, CertificateAuthority.ipBytes(host) != nil, !["0.0.0.0", "::", "127.0.0.1", "::1"].contains(host) {
            ips.append(host)
        }
        return ips
    }
}
