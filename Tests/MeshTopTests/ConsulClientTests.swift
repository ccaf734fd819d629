import Foundation
import Testing

/// The Consul-compatible API through a real Consul client library (python-consul, unchanged):
/// register with a TTL check, report it, discover through catalog and health, block on a change.
@Suite struct ConsulClientTests {
    static let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/consul_client.py")

    @Test func pythonConsulRegistersAndDiscovers() throws {
        // Debian's python3-consul lives beside the system Python, whatever python3 is first on PATH.
        let python = "/usr/bin/python3"
        let probe = try Executable.runAny(python, ["-c", "import consul"])
        guard probe.status == 0 else {
            if ProcessInfo.processInfo.environment["CI"] == "true" {
                Issue.record("python3-consul is not installed (apt-get install -y python3-consul); CI must have it")
            } else {
                print("skipped: python3-consul is not installed (apt-get install -y python3-consul)")
            }
            return
        }
        let demo = try CtlCommandTests.RunningDemo()
        defer { _ = demo.stop() }
        let run = try Executable.runAny(python, [Self.script.path, String(demo.port)])
        #expect(run.status == 0, "\(run.stderr)")
        let seen = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
        #expect(seen["registered"] as? Bool == true)
        #expect(seen["reported"] as? Bool == true)
        #expect((seen["agent_ids"] as? [String])?.contains("checkout-c9") == true)
        #expect((seen["catalog"] as? [String: [String]])?["checkout"] == ["canary"])
        #expect((seen["catalog_index"] as? Int ?? 0) >= 1)
        #expect((seen["passing_ids"] as? [String])?.contains("checkout-c9") == true)
        #expect(seen["canary_port"] as? [Int] == [9999])
        #expect(seen["index_advanced"] as? Bool == true)
        #expect((seen["blocked_seconds"] as? Double ?? 99) < 10)
        #expect((seen["after_ids"] as? [String])?.contains("checkout-c9") == false)
        #expect(demo.stop() == 0)
        #expect(demo.events.contains(#""action":"registered""#))
        #expect(demo.events.contains(#""action":"deregistered""#))
    }
}
