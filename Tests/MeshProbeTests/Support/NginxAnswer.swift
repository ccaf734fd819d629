import Foundation
import MeshTestSupport

/// Whether 127.0.0.1:port answers `GET /health` with nginx's "ok" within `seconds`.
func nginxAnswers(port: Int, within seconds: Double) async -> Bool {
    let deadline = Date().addingTimeInterval(seconds)
    while Date() < deadline {
        if let reply = try? RawClient.get(port, "/health", timeout: 1), reply.status == 200, reply.body.hasSuffix("ok\n") {
            return true
        }
        try? await Task.sleep(for: .milliseconds(50))
    }
    return false
}
