import ArgumentParser
import Foundation
import MeshAdmin
import MeshConfig
import MeshCore

/// `--admin ADDR --token T` (or `--config mesh.yaml`), shared by every `ctl` command, and the
/// requests they send.
struct CtlOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Admin API address of the running mesh-top (default: --config's admin:, else $\(CtlOptions.adminVariable), else ./mesh.yaml's, else \(CtlOptions.defaultAdmin)).", valueName: "addr"))
    var admin: String?

    @Option(help: ArgumentHelp("Token for mutating commands (default: --config's token:, else $\(MeshConfig.tokenVariable), else ./mesh.yaml's).", valueName: "token"))
    var token: String?

    @Option(help: ArgumentHelp("The running mesh's mesh.yaml: its admin: and token: say where and how to ask.", valueName: "mesh.yaml"),
            completion: .file(extensions: ["yaml", "yml"]))
    var config: String?

    static let adminVariable = "MESH_TOP_ADMIN"
    static let defaultAdmin = "127.0.0.1:9901"

    /// Where to ask and with which token: the options, then `--config`, then the environment,
    /// then ./mesh.yaml when there is one (an explicit word beats an implicit one).
    func target(environment: [String: String] = ProcessInfo.processInfo.environment) throws -> (address: HostPort, token: String?) {
        let given = try config.map { try MeshConfig.load(path: $0) }
        let env = { (name: String) in environment[name].flatMap { $0.isEmpty ? nil : $0 } }
        // ./mesh.yaml only when nothing more explicit says where: a broken one then is an error.
        let here = admin == nil && given == nil && env(Self.adminVariable) == nil && FileManager.default.fileExists(atPath: "mesh.yaml")
            ? try MeshConfig.load(path: "mesh.yaml") : nil
        let text = admin ?? given.map { $0.admin.description } ?? env(Self.adminVariable) ?? here.map { $0.admin.description } ?? Self.defaultAdmin
        guard let address = HostPort(text) else {
            let source = admin != nil ? "--admin" : "$\(Self.adminVariable)"
            throw CommandError("\(source): '\(text)' is not an address (expected host:port, or [::1]:port)")
        }
        let token = token ?? given?.token ?? env(MeshConfig.tokenVariable) ?? here?.token
        return (address, token)
    }

    /// One request; a refusal (4xx/5xx) becomes one line naming what the API said.
    func send(_ method: String, _ path: String, body: String? = nil, timeout: Double = 10) throws -> AdminClient.Answer {
        let (address, token) = try target()
        let client = AdminClient(host: address.host, port: address.port, token: token)
        let answer: AdminClient.Answer
        do {
            answer = try client.send(method, path, body: body, timeout: timeout)
        } catch AdminClientError.timeout {
            throw CommandError("the admin API at \(address) did not answer in time")
        } catch {
            throw CommandError("cannot reach the admin API at \(address) (is mesh-top running with it there?)")
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
