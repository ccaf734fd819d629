import Foundation
import MeshTestSupport
import Testing

/// The Consul API on the wire of the real binary: blocking queries and their headers, reads
/// after writes, IDs across the agent. Raw HTTP, so that every header and timing is the
/// server's own.
@Suite struct ConsulWireTests {
    func index(_ response: RawClient.Response) -> UInt64? { response.header("X-Consul-Index").flatMap { UInt64($0) } }

    /// Field case 12: `index=0` answers at once with an index of at least 1 and Consul's
    /// headers; the index just returned waits out `wait`.
    @Test func indexZeroAnswersAtOnceAndTheReturnedIndexBlocks() throws {
        let mesh = try RunningMesh(run: ConsulLibraryTests.yaml)
        defer { mesh.stop() }
        for path in ["/v1/health/service/api", "/v1/health/service/nosuch", "/v1/catalog/services"] {
            let started = Date()
            let first = try mesh.http("GET", path + "?index=0&wait=10s")
            #expect(Date().timeIntervalSince(started) < 5, "\(path)")
            #expect(first.status == 200 && (index(first) ?? 0) >= 1, "\(path)")
            #expect(first.header("X-Consul-KnownLeader") == "true" && first.header("X-Consul-LastContact") == "0", "\(path)")
            let blocked = Date()
            let again = try mesh.http("GET", path + "?index=\(index(first) ?? 0)&wait=2s")
            let waited = Date().timeIntervalSince(blocked)
            #expect(waited >= 1.9 && waited < 10, "\(path) waited \(waited)")
            #expect(index(again) == index(first), "\(path)")
        }
        // Go's durations, and what is not one.
        #expect(try mesh.http("GET", "/v1/health/service/api?index=0&wait=1m30s&stale").header("X-Consul-Effective-Consistency") == "stale")
        #expect(try mesh.http("GET", "/v1/health/service/api?index=0&wait=10").status == 400)
    }

    /// A change answers a blocked query at once, with a greater index, and the index never goes
    /// back however the answer changes.
    @Test func aChangeAnswersABlockedQueryAndTheIndexOnlyGrows() throws {
        let mesh = try RunningMesh(run: ConsulLibraryTests.yaml)
        defer { mesh.stop() }
        var last = try #require(index(try mesh.http("GET", "/v1/health/service/api")))
        for round in 0..<3 {
            let registered = DispatchSemaphore(value: 0)
            let body = #"{"Name": "api", "ID": "api-1", "Port": \#(Executable.freePort()), "Check": {"TTL": "30s"}}"#
            DispatchQueue.global().asyncAfter(deadline: .now() + 0.3) {
                _ = try? mesh.http("PUT", round % 2 == 0 ? "/v1/agent/service/register" : "/v1/agent/service/deregister/api-1",
                                   body: round % 2 == 0 ? body : "")
                registered.signal()
            }
            let started = Date()
            let answer = try mesh.http("GET", "/v1/health/service/api?index=\(last)&wait=60s", timeout: 70)
            #expect(Date().timeIntervalSince(started) < 30)
            let now = try #require(index(answer))
            #expect(now > last, "round \(round)")
            last = now
            registered.wait()
        }
    }

    /// Field case 16: a read right after a 200 from register or deregister sees it, every time.
    @Test func aReadAfterAWriteSeesIt() throws {
        let mesh = try RunningMesh(run: ConsulLibraryTests.yaml)
        defer { mesh.stop() }
        let client = try RawClient(port: mesh.admin, timeout: 10)
        func call(_ method: String, _ path: String, _ body: String = "") throws -> RawClient.Response {
            client.send("\(method) \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: \(body.utf8.count)\r\n\r\n\(body)")
            return try client.readResponse()
        }
        func listed(_ id: String) throws -> (agent: Bool, health: Bool) {
            let agent = try call("GET", "/v1/agent/services").body.contains(#""ID":"\#(id)""#)
            let health = try call("GET", "/v1/health/service/api").body.contains(#""ID":"\#(id)""#)
            return (agent, health)
        }
        var stale = 0
        let port = Executable.freePort()
        for i in 0..<60 {
            let id = "r-\(i)"
            let registered = try call("PUT", "/v1/agent/service/register", #"{"Name": "api", "ID": "\#(id)", "Port": \#(port), "Check": {"TTL": "60s"}}"#)
            #expect(registered.status == 200)
            let after = try listed(id)
            stale += (after.agent ? 0 : 1) + (after.health ? 0 : 1)
            #expect(try call("PUT", "/v1/agent/service/deregister/\(id)").status == 200)
            let gone = try listed(id)
            stale += (gone.agent ? 1 : 0) + (gone.health ? 1 : 0)
        }
        #expect(stale == 0)
    }

    /// Field case r09: an ID is one instance across the agent; mesh.yaml's endpoints are not the
    /// API's to replace or remove, and the static endpoint keeps serving.
    @Test func aConfiguredEndpointIsNotTheAPIsToTakeOrRemove() throws {
        let backend = Executable.freePort(), listen = Executable.freePort()
        let origin = Process()
        origin.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        origin.arguments = ["python3", "-m", "http.server", String(backend), "--bind", "127.0.0.1"]
        origin.standardOutput = FileHandle.nullDevice
        origin.standardError = FileHandle.nullDevice
        try origin.run()
        defer { kill(origin.processIdentifier, SIGKILL); origin.waitUntilExit() }
        let mesh = try RunningMesh(run: """
            services:
              - name: web
                listen: 127.0.0.1:\(listen)
                protocol: http
                health: {type: http, path: /, interval: 300ms, timeout: 500ms, healthy_threshold: 1}
                endpoints:
                  - {id: web-1, address: 127.0.0.1:\(backend)}
            """, token: "t0k")
        defer { mesh.stop() }
        let token = "Authorization: Bearer t0k\r\n"
        #expect(mesh.waitFor { (try? RawClient.get(listen, "/").status) == 200 })
        let taken = try mesh.http("PUT", "/v1/agent/service/register", body: #"{"Name":"other","ID":"web-1","Address":"127.0.0.1","Port":19799}"#, headers: token)
        #expect(taken.status == 409)
        #expect(taken.body.contains("web/web-1"))
        #expect(try mesh.http("PUT", "/v1/agent/service/deregister/web-1", headers: token).status == 409)
        let services = try mesh.http("GET", "/v1/agent/services").body
        #expect(services.contains(#""Service":"web""#) && !services.contains(#""Service":"other""#))
        #expect(try RawClient.get(listen, "/").status == 200)
        #expect(mesh.stop() == 0)
        #expect(!mesh.events.contains(#""action":"deregistered""#))
    }
}

extension ConsulWireTests {
    /// What the Consul API takes goes into a recording that replays: registrations with their
    /// checks, check changes, maintenance with its reason, deregistrations.
    @Test func aRecordingOfConsulTrafficReplays() throws {
        let mesh = try RunningMesh(run: ConsulLibraryTests.yaml, arguments: ["--record", "run.jsonl"])
        let port = Executable.freePort()
        let body = #"{"Name": "api", "ID": "api-\"1\" é", "Port": \#(port), "Tags": ["a b"], "Meta": {"zone": "b"},"#
            + #" "Checks": [{"TTL": "30s", "Notes": "line 1\nline 2"}, {"TCP": "127.0.0.1:\#(port)", "Interval": "1s"}]}"#
        #expect(try mesh.http("PUT", "/v1/agent/service/register", body: body).status == 200)
        #expect(try mesh.http("PUT", "/v1/agent/check/warn/service:api-%221%22%20%C3%A9:1?note=disk%0Afull").status == 200)
        #expect(try mesh.http("PUT", "/v1/agent/service/maintenance/api-%221%22%20%C3%A9?enable=true&reason=patch%20night").status == 200)
        #expect(try mesh.http("PUT", "/v1/agent/service/deregister/api-%221%22%20%C3%A9").status == 200)
        #expect(mesh.stop() == 0)
        let replay = try Executable("mesh-top").run(["replay", "run.jsonl", "--headless", "--speed", "max"], in: mesh.directory)
        #expect(replay.status == 0, "\(replay.stderr)")
        func lines(_ text: String) -> [Substring] {
            text.split(separator: "\n").filter { $0.contains(#""type":"check""#) || $0.contains(#""type":"registry""#) || $0.contains(#""type":"operator""#) }
        }
        let live = lines(mesh.events)
        #expect(live.count >= 4)
        #expect(live == lines(replay.stdout))
        #expect(mesh.hasEvent(#""type":"operator""#, #""reason":"patch night""#))
    }
}
