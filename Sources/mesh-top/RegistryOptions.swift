import ArgumentParser
import Foundation
import MeshEtcd
import MeshTLS

/// `--registry` and how mesh-top proves itself to etcd, in etcdctl's terms (`--cacert`,
/// `--cert`, `--key`, `--user`): TLS with `etcds://`, a client certificate for etcd's
/// `--client-cert-auth`, and etcd's user/password auth. The password never goes on the
/// command line (where `ps` shows it): it comes from `MESH_TOP_ETCD_PASSWORD` or a file.
struct RegistryOptions: ParsableArguments {
    static let passwordVariable = "MESH_TOP_ETCD_PASSWORD"

    @Option(help: ArgumentHelp("Share the mesh with other mesh-top instances through etcd: endpoints, the operator's drains, kills, restores and weights, and each instance's view of health. etcds:// speaks TLS.", valueName: "etcd[s]://host:port[,host:port...]"))
    var registry: String?

    @Option(name: .customLong("registry-ca"), help: ArgumentHelp("With etcds://: the CA etcd's certificate must chain to (default: the system's roots).", valueName: "file"),
            completion: .file())
    var ca: String?

    @Option(name: .customLong("registry-cert"), help: ArgumentHelp("With etcds://: the client certificate to present (etcd's --client-cert-auth); with --registry-key.", valueName: "file"),
            completion: .file())
    var cert: String?

    @Option(name: .customLong("registry-key"), help: ArgumentHelp("The client certificate's private key.", valueName: "file"), completion: .file())
    var key: String?

    @Option(name: .customLong("registry-user"), help: ArgumentHelp("etcd user (etcd's auth); the password comes from $\(RegistryOptions.passwordVariable) or --registry-password-file.", valueName: "name"))
    var user: String?

    @Option(name: .customLong("registry-password-file"), help: ArgumentHelp("File holding the etcd user's password (one line).", valueName: "file"),
            completion: .file())
    var passwordFile: String?

    /// The cluster to join, its TLS files read and checked; nil without `--registry`. Throws
    /// one line naming the option or file that is wrong.
    func cluster(environment: [String: String] = ProcessInfo.processInfo.environment) throws -> EtcdCluster? {
        guard let registry else {
            if let stray = [("--registry-ca", ca), ("--registry-cert", cert), ("--registry-key", key), ("--registry-user", user),
                            ("--registry-password-file", passwordFile)].first(where: { $0.1 != nil }) {
                throw CommandError("\(stray.0) is for a shared mesh: give --registry etcds://… too")
            }
            return nil
        }
        var cluster: EtcdCluster
        do {
            cluster = try EtcdCluster(url: registry)
        } catch {
            throw CommandError("\(error)")
        }
        if ca != nil || cert != nil || key != nil {
            guard cluster.tls != nil else {
                throw CommandError("--registry '\(registry)': --registry-ca, --registry-cert and --registry-key are for TLS: write etcds://")
            }
            do {
                cluster.tls = try ClientTLS.load(.init(ca: ca, certificate: cert, key: key))
            } catch {
                throw CommandError("etcd TLS: \(error)")
            }
        }
        if let user {
            cluster.credentials = EtcdCredentials(user: user, password: try password(for: user, environment: environment))
        } else if passwordFile != nil {
            throw CommandError("--registry-password-file: give --registry-user too")
        }
        return cluster
    }

    private func password(for user: String, environment: [String: String]) throws -> String {
        if let passwordFile {
            guard let data = FileManager.default.contents(atPath: passwordFile) else {
                throw CommandError("--registry-password-file \(passwordFile): cannot read it")
            }
            var text = String(decoding: data, as: UTF8.self)
            while text.hasSuffix("\n") || text.hasSuffix("\r") { text.removeLast() }
            return text
        }
        guard let password = environment[Self.passwordVariable] else {
            throw CommandError("--registry-user \(user): give the password in $\(Self.passwordVariable) or --registry-password-file")
        }
        return password
    }
}
