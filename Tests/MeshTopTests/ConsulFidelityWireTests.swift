import Foundation
import MeshTestSupport
import Testing

/// The new edges of the Consul API on the wire of the real binary: Consul's 405 and OPTIONS
/// heads, a filter's 400, and blocking queries with a filter, whose index moves only when the
/// filtered answer does.
@Suite struct ConsulFidelityWireTests {
    func index(_ response: RawClient.Response) -> UInt64? { response.header("X-Consul-Index").flatMap { UInt64($0) } }

    @Test func methodRefusalsAndOptionsCarryConsulsAllow() throws {
        let mesh = try RunningMesh(run: ConsulLibraryTests.yaml)
        defer { mesh.stop() }
        let refused = try mesh.http("POST", "/v1/health/service/api", body: "")
        #expect(refused.status == 405 && refused.header("Allow") == "OPTIONS,GET")
        #expect(refused.header("Content-Type") == "application/json")
        #expect(refused.body == #"{"error":"method POST not allowed"}"# + "\n")
        let write = try mesh.http("GET", "/v1/agent/check/update/x")
        #expect(write.status == 405 && write.header("Allow") == "OPTIONS,PUT")
        let options = try mesh.http("OPTIONS", "/v1/agent/service/register")
        #expect(options.status == 200 && options.header("Allow") == "OPTIONS,PUT")
        #expect(options.header("Content-Length") == "0" && options.body.isEmpty)
        // Refused without side effects: nothing was registered by any of these.
        #expect(try mesh.http("GET", "/v1/agent/services").body == "{}\n")
    }

    @Test func aBadFilterIsA400InGoBexprsWords() throws {
        let mesh = try RunningMesh(run: ConsulLibraryTests.yaml)
        defer { mesh.stop() }
        let bad = try mesh.http("GET", "/v1/health/service/api?filter=Service.Nope%20%3D%3D%201&index=1&wait=30s")
        #expect(bad.status == 400)
        #expect(bad.body == #"{"error":"filter: Failed to create boolean expression evaluator: Selector \"Service.Nope\" is not valid"}"# + "\n")
        #expect(bad.header("X-Consul-Index") == nil)
    }

    /// A filtered watch: another instance of the service registering does not change its
    /// answer, so its index holds and it waits out `wait`; a change to what it selects answers
    /// at once with a greater index.
    @Test func aFilteredBlockingQueryMovesOnlyWithItsAnswer() throws {
        let mesh = try RunningMesh(run: ConsulLibraryTests.yaml)
        defer { mesh.stop() }
        let register: @Sendable (String, String) throws -> Void = { id, tags in
            _ = try mesh.http("PUT", "/v1/agent/service/register",
                              body: #"{"Name": "api", "ID": "\#(id)", "Port": \#(Executable.freePort()), "Tags": [\#(tags)]}"#)
        }
        try register("api-1", #""v1""#)
        let path = "/v1/health/service/api?filter=%22v2%22%20in%20Service.Tags"
        let first = try mesh.http("GET", path)
        #expect(first.status == 200 && first.body == "[]\n")
        let start = try #require(index(first))
        let other = DispatchSemaphore(value: 0)
        DispatchQueue.global().asyncAfter(deadline: .now() + 0.3) {
            _ = try? register("api-2", #""v1""#)
            other.signal()
        }
        let began = Date()
        let unchanged = try mesh.http("GET", path + "&index=\(start)&wait=2s", timeout: 30)
        let waited = Date().timeIntervalSince(began)
        other.wait()
        #expect(waited >= 1.9, "waited \(waited)")
        #expect(index(unchanged) == start && unchanged.body == "[]\n")

        let tagged = DispatchSemaphore(value: 0)
        DispatchQueue.global().asyncAfter(deadline: .now() + 0.3) {
            _ = try? register("api-2", #""v2""#)
            tagged.signal()
        }
        let changedAt = Date()
        let changed = try mesh.http("GET", path + "&index=\(start)&wait=60s", timeout: 70)
        tagged.wait()
        #expect(Date().timeIntervalSince(changedAt) < 30)
        #expect((index(changed) ?? 0) > start && changed.body.contains(#""ID":"api-2""#))
    }
}
