import ArgumentParser
import Foundation
import MeshAdmin
import MeshConfig
import MeshCore
import MeshTLS
import NIOSSL

/// `--admin ADDR --token T` (or `--config mesh.yaml`), shared by every `ctl` command, and the
/// requests they send.
struct CtlOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Admin API address of the running mesh-top, https://host:port for one serving TLS (default: --config's admin:, else $\(CtlOptions.adminVariable), else ./mesh.yaml's, else \(CtlOptions.defaultAdmin)).", valueName: "addr"))
    var admin: String?

    @Option(help: ArgumentHelp("Token for mutating commands (default: --config's token:, else $\(MeshConfig.tokenVariable), else ./mesh.yaml's).", valueName: "token"))
    var token: String?

    @Option(help: ArgumentHelp("The running mesh's mesh.yaml: its admin: and token: say where and how to ask.", valueName: "mesh.yaml"),
            completion: .file(extensions: ["yaml", "yml"]))
    var config: String?

    @Option(help: ArgumentHelp("https: the CA the admin API's certificate chains to (default for admin tls: auto: the CA beside mesh.yaml).", valueName: "file"))
    var cacert: String?

    @Option(help: ArgumentHelp("https: a client certificate to present (the admin API's client_ca must have issued it).", valueName: "file"))
    var cert: String?

    @Option(help: ArgumentHelp("https: the key of --cert.", valueName: "file"))
    var key: String?

    static let adminVariable = "MESH_TOP_ADMIN"
    static let defaultAdmin = "127.0.0.1:9901"

    /// Where to ask, with which token, and over TLS with which trust (nil: plain HTTP): the
    /// options, then `--config`, then the environment, then ./mesh.yaml when there is one (an
    /// explicit word beats an implicit one).
    func target(environment: [String: String] = ProcessInfo.processInfo.environment) throws
        -> (address: HostPort, token: String?, tls: TLSConfiguration?) {
        let given = try config.map { try MeshConfig.load(path: $0) }
        let env = { (name: String) in environment[name].flatMap { $0.isEmpty ? nil : $0 } }
        // ./mesh.yaml only when nothing more explicit says where: a broken one then is an error.
        let here = admin == nil && given == nil && env(Self.adminVariable) == nil && FileManager.default.fileExists(atPath: "mesh.yaml")
            ? try MeshConfig.load(path: "mesh.yaml") : nil
        // The file the address comes from, if it does.
        let file = admin == nil ? given ?? here : nil
        var text = admin ?? file.map { $0.admin.description } ?? env(Self.adminVariable) ?? Self.defaultAdmin
        let https = text.lowercased().hasPrefix("https://")
        if https { text = String(text.dropFirst("https://".count)) }
        guard let address = HostPort(text) else {
            let source = admin != nil ? "--admin" : "$\(Self.adminVariable)"
            throw CommandError("\(source): '\(text)' is not an address (expected host:port, [::1]:port or https://host:port)")
        }
        let token = token ?? given?.token ?? env(MeshConfig.tokenVariable) ?? here?.token
        guard https || file?.adminTLS != nil else {
            if cacert != nil || cert != nil || key != nil { throw CommandError("--cacert, --cert and --key are for an admin API on https") }
            return (address, token, nil)
        }
        // tls: auto: the certificate comes from the CA beside mesh.yaml.
        let ca = cacert ?? file.flatMap { $0.adminTLS == .auto ? CertificateAuthority.certificateFile(in: CertificateAuthority.folder(besideConfig: $0.file)) : nil }
        do {
            var config = try ClientTLS.configuration(.init(ca: ca, certificate: cert, key: key)).0
            config.certificateVerification = .fullVerification
            return (address, token, config)
        } catch {
            throw CommandError("\(error)")
        }
    }

    /// One request; a refusal (4xx/5xx) becomes one line naming what the API said.
    func send(_ method: String, _ path: String, body: String? = nil, timeout: Double = 10) throws -> AdminClient.Answer {
        let (address, token, tls) = try target()
        let client = AdminClient(host: address.host, port: address.port, token: token, tls: tls)
        let shown = (tls == nil ? "" : "https://") + address.description
        let answer: AdminClient.Answer
        do {
            answer = try client.send(method, path, body: body, timeout: timeout)
        } catch AdminClientError.timeout {
            throw CommandError("the admin API at \(shown) did not answer in time")
        } catch let error as NIOSSLError {
            throw CommandError("the admin API at \(shown): TLS failed: \(HandshakeFailure.reason(error))")
        } catch {
            throw CommandError("cannot reach the admin API at \(shown) (is mesh-top running with it there?)")
        }
        guard (200..<300).contains(answer.status) else {
            throw CommandError(answer.error ?? "the admin API answered \(answer.status)")
        }
        return answer
    }

    /// `SERVICE/ENDPOINT` as an API path, each part escaped.
    static func endpointPath(_ ref: String, action: String) throws -> String {
        let parts = ref.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else {
            throw CommandError("'\(ref)' is not an endpoint (expected SERVICE/ENDPOINT)")
        }
        let escape = { (s: Substring) in s.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed.subtracting(["/"])) ?? String(s) }
        return "/v1/endpoints/\(escape(parts[0]))/\(escape(parts[1]))/\(action)"
    }
}
