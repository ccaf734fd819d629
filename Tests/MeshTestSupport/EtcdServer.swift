public import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A real etcd member on its own ports and data directory, for tests of the shared mesh: alone,
/// or one of a cluster started together (`cluster(of:)`), on loopback or inside a network
/// namespace. Tests kill it (SIGKILL), freeze it (SIGSTOP) and thaw it, and compact its history.
public final class EtcdServer: @unchecked Sendable {
    public let name: String
    public let host: String
    public let clientPort: Int
    public let peerPort: Int
    public let dataDirectory: URL
    /// `name=http://host:peer,...` of every member.
    public private(set) var initialCluster: String
    /// Runs etcd in this network namespace (`ip netns exec`); its readiness is probed there too.
    private let namespace: NetworkNamespace?
    private var process: Process?
    /// Serves clients over TLS, requiring a client certificate the CA signed
    /// (`--client-cert-auth`).
    public let tls: TLSFiles?
    /// Seconds an unused auth token lives (`--auth-token-ttl`; etcd's default 300).
    public let authTokenTTL: Int?
    /// Set by `enableAuth`.
    private var rootPassword: String?

    /// etcd's certificate and key, the CA it trusts for client certificates, and a client
    /// certificate for the test's own calls.
    public struct TLSFiles: Sendable {
        public var certificate, key, ca, clientCertificate, clientKey: String
        public init(certificate: String, key: String, ca: String, clientCertificate: String, clientKey: String) {
            self.certificate = certificate; self.key = key; self.ca = ca
            self.clientCertificate = clientCertificate; self.clientKey = clientKey
        }
    }

    public static var isInstalled: Bool { FileManager.default.isExecutableFile(atPath: "/usr/bin/etcd") }

    /// nil when etcd is missing: a printed skip, or a recorded failure under CI=true (where it
    /// must be installed). `recordFailure` is the test framework's `Issue.record`.
    public static func available(_ recordFailure: (String) -> Void) -> Bool {
        guard !isInstalled else { return true }
        if ProcessInfo.processInfo.environment["CI"] == "true" {
            recordFailure("etcd is not installed (apt-get install -y etcd-server); CI must have it")
        } else {
            print("skipped: etcd is not installed (apt-get install -y etcd-server)")
        }
        return false
    }

    public init(name: String = "test", host: String = "127.0.0.1", in namespace: NetworkNamespace? = nil, tls: TLSFiles? = nil,
                authTokenTTL: Int? = nil) {
        self.name = name
        self.authTokenTTL = authTokenTTL
        self.tls = tls
        self.host = host
        self.namespace = namespace
        // Inside a namespace of its own every port is free.
        clientPort = namespace == nil ? Loopback.freePort(in: 33_000...34_000) : 2379
        var peer = namespace == nil ? Loopback.freePort(in: 33_000...34_000) : 2380
        while peer == clientPort { peer = Loopback.freePort(in: 33_000...34_000) }
        peerPort = peer
        dataDirectory = FileManager.default.temporaryDirectory.appendingPathComponent("etcd-\(UUID().uuidString)")
        initialCluster = "\(name)=http://\(host):\(peerPort)"
    }

    /// `count` members of one cluster on loopback, not started yet.
    public static func cluster(of count: Int) -> [EtcdServer] {
        let members = (1...count).map { EtcdServer(name: "m\($0)") }
        let all = members.map(\.initialCluster).joined(separator: ",")
        for member in members { member.initialCluster = all }
        return members
    }

    /// Starts every member, then waits until each answers (a cluster answers once it has a
    /// leader, so members must start together).
    public static func start(_ members: [EtcdServer]) throws {
        for member in members { try member.launch() }
        for member in members { try member.waitUntilAnswering() }
    }

    public var member: String { "\(host):\(clientPort)" }
    public var url: String { (tls == nil ? "etcd://" : "etcds://") + member }

    /// Starts (or starts again, on the same data) and waits until it answers.
    public func start() throws {
        try launch()
        try waitUntilAnswering()
    }

    private func launch() throws {
        let p = Process()
        let client = "\(tls == nil ? "http" : "https")://\(host):\(clientPort)", peer = "http://\(host):\(peerPort)"
        var arguments = ["--name", name, "--data-dir", dataDirectory.path,
                         "--listen-client-urls", client, "--advertise-client-urls", client,
                         "--listen-peer-urls", peer, "--initial-advertise-peer-urls", peer,
                         "--initial-cluster", initialCluster, "--initial-cluster-token", "mesh-top-test"]
        if let authTokenTTL { arguments += ["--auth-token-ttl", String(authTokenTTL)] }
        if let tls {
            arguments += ["--cert-file", tls.certificate, "--key-file", tls.key, "--trusted-ca-file", tls.ca, "--client-cert-auth"]
        }
        if let namespace {
            p.executableURL = URL(fileURLWithPath: NetworkNamespace.ip)
            p.arguments = ["netns", "exec", namespace.name, "/usr/bin/etcd"] + arguments
        } else {
            p.executableURL = URL(fileURLWithPath: "/usr/bin/etcd")
            p.arguments = arguments
        }
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        try p.run()
        process = p
    }

    private func waitUntilAnswering() throws {
        let deadline = Date().addingTimeInterval(30)
        while Date() < deadline {
            // With auth on, only a login answers without a token.
            let probe = rootPassword.map { call("/v3/auth/authenticate", #"{"name":"root","password":"\#($0)"}"#) }
                ?? call("/v3/kv/range", #"{"key":"AA=="}"#)
            if probe != nil { return }
            usleep(100_000)
        }
        throw EtcdServerError(message: "etcd \(name) did not answer on \(member) within 30 s")
    }

    /// SIGKILL: the test runner's threads block SIGTERM, and a child inherits that mask.
    public func kill() {
        guard let p = process else { return }
        Glibc.kill(p.processIdentifier, SIGCONT)
        Glibc.kill(p.processIdentifier, SIGKILL)
        p.waitUntilExit()
        process = nil
    }

    /// SIGSTOP: it keeps its sockets but answers nothing, as a hung machine.
    public func freeze() { if let p = process { Glibc.kill(p.processIdentifier, SIGSTOP) } }
    public func thaw() { if let p = process { Glibc.kill(p.processIdentifier, SIGCONT) } }

    public func stop() {
        kill()
        try? FileManager.default.removeItem(at: dataDirectory)
    }

    /// Whether it leads the cluster now (nil when it does not answer).
    public func isLeader() -> Bool? {
        guard let body = call("/v3/maintenance/status", "{}"),
              let object = try? JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any],
              let header = object["header"] as? [String: Any], let me = header["member_id"] as? String,
              let leader = object["leader"] as? String else { return nil }
        return me == leader
    }

    /// The store's revision now.
    public func revision() -> Int64? {
        guard let body = call("/v3/kv/range", #"{"key":"AA=="}"#),
              let object = try? JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any],
              let header = object["header"] as? [String: Any], let text = header["revision"] as? String else { return nil }
        return Int64(text)
    }

    /// Compacts the history up to the current revision: a watch asking for anything older is
    /// refused.
    @discardableResult
    public func compact() -> Int64? {
        guard let revision = revision(), call("/v3/kv/compaction", #"{"revision":"\#(revision)","physical":true}"#) != nil else { return nil }
        return revision
    }

    /// One POST to the gateway (with etcd's auth `token` when given); the body when it
    /// answered 200. Over TLS through curl, with the client certificate.
    public func call(_ path: String, _ body: String, token: String? = nil) -> String? {
        if let tls { return curl(path, body, token: token, tls: tls) }
        let attempt = { @Sendable () -> String? in
            guard let client = try? RawClient(host: self.host, port: self.clientPort, timeout: 2) else { return nil }
            let authorization = token.map { "Authorization: \($0)\r\n" } ?? ""
            client.send("POST \(path) HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n\(authorization)Content-Length: \(body.utf8.count)\r\nConnection: close\r\n\r\n\(body)")
            guard let response = try? client.readResponse(), response.status == 200 else { return nil }
            return response.body
        }
        return namespace.map { $0.inside(attempt) } ?? attempt()
    }

    private func curl(_ path: String, _ body: String, token: String?, tls: TLSFiles) -> String? {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/curl")
        p.arguments = ["-sf", "--max-time", "5", "--cacert", tls.ca, "--cert", tls.clientCertificate, "--key", tls.clientKey,
                       "-H", "Content-Type: application/json", "-d", body] + (token.map { ["-H", "Authorization: \($0)"] } ?? [])
            + ["https://\(host):\(clientPort)\(path)"]
        let out = Pipe()
        p.standardOutput = out
        p.standardError = FileHandle.nullDevice
        guard (try? p.run()) != nil else { return nil }
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return p.terminationStatus == 0 ? String(decoding: data, as: UTF8.self) : nil
    }

    /// Turns etcd's auth on with the user `root` and `password` (what `etcdctl user add root`
    /// and `etcdctl auth enable` do, through the gateway); false when etcd refused a step.
    public func enableAuth(password: String) -> Bool {
        rootPassword = password
        return call("/v3/auth/role/add", #"{"name":"root"}"#) != nil
            && call("/v3/auth/user/add", #"{"name":"root","password":"\#(password)"}"#) != nil
            && call("/v3/auth/user/grant", #"{"user":"root","role":"root"}"#) != nil
            && call("/v3/auth/enable", "{}") != nil
    }
}

public struct EtcdServerError: Error, CustomStringConvertible {
    public var message: String
    public var description: String { message }
}
