import Foundation
import MeshConfig
import MeshCore

/// Where the admin API listens and the token its mutating routes need.
struct AdminSettings {
    var address: HostPort
    var token: String?

    /// `--admin ADDR` (else `fallback`, mesh.yaml's `admin:` for run), with the token from
    /// mesh.yaml or MESH_TOP_TOKEN. An address other machines can reach needs a token.
    static func resolve(option: String?, fallback: HostPort?, token: String?) throws(CommandError) -> AdminSettings? {
        var address = fallback
        if let option {
            guard let parsed = HostPort(option) else {
                throw CommandError("--admin: '\(option)' is not an address (expected host:port, or [::1]:port)")
            }
            address = parsed
        }
        guard let address else { return nil }
        let env = ProcessInfo.processInfo.environment[MeshConfig.tokenVariable].flatMap { $0.isEmpty ? nil : $0 }
        let token = token ?? env
        if !address.isLoopback, token == nil {
            throw CommandError("--admin \(address) is reachable from other machines: set \(MeshConfig.tokenVariable) (or token: in mesh.yaml)")
        }
        return AdminSettings(address: address, token: token)
    }
}
