import Foundation

/// A listener's `tls:` (a service's, or the admin API's): certificate files, or `auto` for a
/// certificate mesh-top's own CA issues (`mesh-top ca init`). Paths are absolute, resolved from
/// the config file's folder.
public enum ListenerTLSConfig: Sendable, Equatable {
    /// `{cert, key, client_ca, min_version}`; `clientCA` set means mutual TLS.
    case files(cert: String, key: String, clientCA: String?, minVersion: String)
    /// Issued by the built-in CA, clients verified against it (mutual TLS).
    case auto

    public static let minVersions = ["1.2", "1.3"]
}

/// A service's `upstream_tls:`: how mesh-top's connections to its endpoints (and their health
/// checks) speak TLS.
public enum UpstreamTLSConfig: Sendable, Equatable {
    case files(Files)
    /// Mutual TLS with the built-in CA: mesh-top presents its own certificate and endpoints
    /// must present the service's SPIFFE ID.
    case auto

    public struct Files: Sendable, Equatable {
        public var ca: String?
        public var cert: String?
        public var key: String?
        /// SNI, and (when verifying) the DNS name the certificate must hold.
        public var sni: String?
        public var verify: Bool
        /// The endpoint's certificate must hold one of these SANs (Envoy's `match_subject_alt_names`).
        public var subjectAltNames: [String]

        public init(ca: String? = nil, cert: String? = nil, key: String? = nil, sni: String? = nil,
                    verify: Bool = true, subjectAltNames: [String] = []) {
            self.ca = ca; self.cert = cert; self.key = key; self.sni = sni; self.verify = verify
            self.subjectAltNames = subjectAltNames
        }
    }
}

extension ListenerTLSConfig {
    static let keys = ["cert", "key", "client_ca", "min_version"]

    init(_ field: Field) throws(ConfigError) {
        if field.isScalar {
            guard try field.string() == "auto" else {
                throw field.error("expected auto or {cert, key, client_ca, min_version}, got \(field.shown)")
            }
            self = .auto
            return
        }
        let map = try field.object(Self.keys)
        let cert = try map.required("cert").filePath()
        let key = try map.required("key").filePath()
        let clientCA = try map["client_ca"]?.filePath()
        var minVersion = "1.2"
        if let f = map["min_version"] {
            minVersion = try f.string()
            guard Self.minVersions.contains(minVersion) else {
                throw f.error("min_version must be \"1.2\" or \"1.3\", got \(f.shown)")
            }
        }
        self = .files(cert: cert, key: key, clientCA: clientCA, minVersion: minVersion)
    }
}

extension UpstreamTLSConfig {
    static let keys = ["ca", "cert", "key", "sni", "verify", "subject_alt_names"]

    init(_ field: Field) throws(ConfigError) {
        if field.isScalar {
            guard try field.string() == "auto" else {
                throw field.error("expected auto or {ca, cert, key, sni, verify, subject_alt_names}, got \(field.shown)")
            }
            self = .auto
            return
        }
        let map = try field.object(Self.keys)
        var files = Files()
        files.ca = try map["ca"]?.filePath()
        files.cert = try map["cert"]?.filePath()
        files.key = try map["key"]?.filePath()
        if files.cert != nil { _ = try map.required("key", "a client certificate needs its key") }
        if files.key != nil { _ = try map.required("cert", "a key needs its certificate") }
        files.sni = try map["sni"]?.text()
        files.verify = try map["verify"]?.bool() ?? true
        files.subjectAltNames = try map["subject_alt_names"]?.strings() ?? []
        if !files.verify {
            try map.refuse("subject_alt_names", because: "subject_alt_names cannot be checked with verify: false")
        }
        self = .files(files)
    }
}

extension Field {
    /// A file path, resolved from the config file's folder when relative.
    func filePath() throws(ConfigError) -> String {
        let text = try self.text()
        if text.hasPrefix("/") { return text }
        let base = URL(fileURLWithPath: file).deletingLastPathComponent()
        return base.appendingPathComponent(text).standardizedFileURL.path
    }
}
