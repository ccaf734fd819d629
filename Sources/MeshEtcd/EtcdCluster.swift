public import MeshCore

/// `etcd://HOST:PORT[,HOST:PORT...]`: the members mesh-top may talk to, tried in order.
public struct EtcdCluster: Sendable, Equatable, CustomStringConvertible {
    public typealias Member = HostPort

    public var members: [Member]

    public init(members: [Member]) { self.members = members }

    /// Parses the `--registry` value; the error says which part is wrong.
    public init(url: String) throws(EtcdError) {
        guard url.hasPrefix("etcd://") else {
            throw EtcdError("--registry '\(url)': expected etcd://HOST:PORT[,HOST:PORT...]")
        }
        let list = url.dropFirst("etcd://".count).split(separator: ",", omittingEmptySubsequences: false)
        var members: [Member] = []
        for part in list {
            let text = part.hasSuffix("/") ? part.dropLast() : part
            guard let member = HostPort(String(text)) else {
                throw EtcdError("--registry '\(url)': '\(text)' is not HOST:PORT")
            }
            members.append(member)
        }
        self.members = members
    }

    public var description: String { "etcd://" + members.map(\.description).joined(separator: ",") }
}
