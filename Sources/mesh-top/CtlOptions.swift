import ArgumentParser
import Foundation
import MeshAdmin
import MeshConfig
import MeshCore

/// `--admin ADDR --token T`, shared by every `ctl` command, and the requests they send.
struct CtlOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Admin API address of the running mesh-top.", valueName: "addr"))
    var admin = "127.0.0.1:9901"

    @Option(help: ArgumentHelp("Token for mutating commands (default: $MESH_TOP_TOKEN).", valueName: "token"))
    var token: String?

    /// One request; a refusal (4xx/5xx) becomes one line naming what the API said.
    func send(_ method: String, _ path: String, body: String? = nil, timeout: Double = 10) throws -> AdminClient.Answer {
        guard let address = HostPort(admin) else {
            throw CommandError("--admin: '\(admin)' is not an address (expected host:port, or [::1]:port)")
        }
        let token = token ?? ProcessInfo.processInfo.environment[MeshConfig.tokenVariable].flatMap { $0.isEmpty ? nil : $0 }
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
