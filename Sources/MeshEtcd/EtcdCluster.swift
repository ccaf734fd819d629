public import MeshCore
public import MeshTLS

/// `etcd://HOST:PORT[,HOST:PORT...]` (or `etcds://…`, TLS to every member): the members
/// mesh-top may talk to, tried in order, and how it proves itself to them: a client
/// certificate (etcd's `--client-cert-auth`) and etcd's own user/password auth.
public struct EtcdCluster: Sendable, Equatable, CustomStringConvertible {
    public typealias Member = HostPort

    public var members: [Member]
    /// `etcds://`: TLS to every member, trusting the CA the settings name (the system's
    /// roots when none); mutual TLS when they give a certificate.
    public var tls: ClientTLS?
    /// etcd's user/password auth (etcd.io/docs/v3.4/op-guide/authentication).
    public var credentials: EtcdCredentials?

    public init(members: [Member], tls: ClientTLS? = nil, credentials: EtcdCredentials? = nil) {
        self.members = members; self.tls = tls; self.credentials = credentials
    }

    /// Parses the `--registry` value; the error says which part is wrong. `etcds://` sets
    /// `tls` to a client trusting the system's roots; `--registry-ca` and the others replace it.
    public init(url: String) throws(EtcdError) {
        let secure = url.hasPrefix("etcds://")
        guard secure || url.hasPrefix("etcd://") else {
            throw EtcdError("--registry '\(url)': expected etcd://HOST:PORT[,HOST:PORT...] (or etcds:// for TLS)")
        }
        let list = url.dropFirst(secure ? "etcds://".count : "etcd://".count).split(separator: ",", omittingEmptySubsequences: false)
        var members: [Member] = []
        for part in list {
            let text = part.hasSuffix("/") ? part.dropLast() : part
            guard let member = HostPort(String(text)) else {
                throw EtcdError("--registry '\(url)': '\(text)' is not HOST:PORT")
            }
            members.append(member)
        }
        self.members = members
        if secure {
            do {
                tls = try ClientTLS.load(.init())
            } catch {
                throw EtcdError("--registry '\(url)': \(error)")
            }
        }
    }

    public var description: String {
        (tls == nil ? "etcd://" : "etcds://") + members.map(\.description).joined(separator: ",")
    }

    public static func == (a: EtcdCluster, b: EtcdCluster) -> Bool {
        a.members == b.members && a.tls?.settings == b.tls?.settings && a.credentials == b.credentials
    }
}

/// An etcd user and its password, traded for a token at `/v3/auth/authenticate`.
public struct EtcdCredentials: Sendable, Equatable {
    public var user: String
    public var password: String

    public init(user: String, password: String) { self.user = user; self.password = password }
}
