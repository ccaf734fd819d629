/// `etcd://HOST:PORT[,HOST:PORT...]`: the members mesh-top may talk to, tried in order.
public struct EtcdCluster: Sendable, Equatable, CustomStringConvertible {
    public struct Member: Sendable, Equatable, CustomStringConvertible {
        public var host: String
        public var port: Int
        public var description: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }
    }

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
            guard let member = Self.member(String(text)) else {
                throw EtcdError("--registry '\(url)': '\(text)' is not HOST:PORT")
            }
            members.append(member)
        }
        self.members = members
    }

    public var description: String { "etcd://" + members.map(\.description).joined(separator: ",") }

    private static func member(_ text: String) -> Member? {
        let host: Substring, port: Substring
        if text.hasPrefix("["), let close = text.firstIndex(of: "]") {
            host = text[text.index(after: text.startIndex)..<close]
            port = text[text.index(after: close)...].dropFirst()
        } else {
            guard let colon = text.lastIndex(of: ":") else { return nil }
            host = text[..<colon]
            port = text[text.index(after: colon)...]
        }
        guard !host.isEmpty, !host.contains("/"), let n = Int(port), (1...65535).contains(n) else { return nil }
        return Member(host: String(host), port: n)
    }
}
