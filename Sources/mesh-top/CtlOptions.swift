import ArgumentParser
import Foundation
import MeshAdmin
import MeshConfig
import MeshTLS
import NIOSSL

/// `--admin ADDR --token T`, shared by every `ctl` command, and the requests they send.
struct CtlOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Admin API address of the running mesh-top (https://host:port for one serving TLS).", valueName: "addr"))
    var admin = "127.0.0.1:9901"

    @Option(help: ArgumentHelp("Token for mutating commands (default: $MESH_TOP_TOKEN).", valueName: "token"))
    var token: String?

    @Option(help: ArgumentHelp("https: the CA the admin API's certificate chains to (e.g. mesh-top-ca/ca.pem).", valueName: "file"))
    var cacert: String?

    @Option(help: ArgumentHelp("https: a client certificate to present (the admin API's client_ca must have issued it).", valueName: "file"))
    var cert: String?

    @Option(help: ArgumentHelp("https: the key of --cert.", valueName: "file"))
    var key: String?

    /// One request; a refusal (4xx/5xx) becomes one line naming what the API said.
    func send(_ method: String, _ path: String, body: String? = nil, timeout: Double = 10) throws -> AdminClient.Answer {
        let secure = admin.lowercased().hasPrefix("https://")
        let text = secure ? String(admin.dropFirst("https://".count)) : admin
        guard let address = HostPort(text) else {
            throw CommandError("--admin: '\(admin)' is not an address (expected host:port, [::1]:port or https://host:port)")
        }
        if !secure, cacert != nil || cert != nil || key != nil {
            throw CommandError("--cacert, --cert and --key are for an https:// --admin")
        }
        var tls: TLSConfiguration?
        if secure {
            do {
                var config = try ClientTLS.configuration(.init(ca: cacert, certificate: cert, key: key)).0
                config.certificateVerification = .fullVerification
                tls = config
            } catch {
                throw CommandError("\(error)")
            }
        }
        let token = token ?? ProcessInfo.processInfo.environment[MeshConfig.tokenVariable].flatMap { $0.isEmpty ? nil : $0 }
        let client = AdminClient(host: address.host, port: address.port, token: token, tls: tls)
        let answer: AdminClient.Answer
        do {
            answer = try client.send(method, path, body: body, timeout: timeout)
        } catch AdminClientError.timeout {
            throw CommandError("the admin API at \(admin) did not answer in time")
        } catch let error as NIOSSLError {
            throw CommandError("the admin API at \(admin): TLS failed: \(HandshakeFailure.reason(error))")
        } catch {
            throw CommandError("cannot reach the admin API at \(admin) (is mesh-top running with it there?)")
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
