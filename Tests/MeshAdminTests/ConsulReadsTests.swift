import Foundation
@testable import MeshAdmin
import MeshCore
import NIOCore
import NIOConcurrencyHelpers
import NIOHTTP1
import NIOPosix
import Testing

/// Consul's reads over the real engine: filters, the routes tools call, and blocking queries
/// with Consul's index rules and headers.
@Suite struct ConsulReadsTests {
    let helper = AdminAPITests()
    let consul = ConsulAPITests()

    func ids(_ response: AdminResponse, _ key: String = "Service") throws -> [String] {
        try consul.list(response).compactMap { entry in
            if key == "ServiceID" { return entry["ServiceID"] as? String }
            return (entry[key] as? [String: Any])?["ID"] as? String
        }
    }

    /// Whether a future has its answer yet, without waiting for it.
    func answered(_ future: EventLoopFuture<AdminResponse>) -> Bool {
        let done = NIOLockedValueBox(false)
        future.whenComplete { _ in done.withLockedValue { $0 = true } }
        // whenComplete runs on the future's loop: give it a turn.
        _ = try? future.eventLoop.submit {}.wait()
        return done.withLockedValue { $0 }
    }

    func header(_ response: AdminResponse, _ name: String) -> String? {
        response.extraHeaders.first { $0.0 == name }?.1
    }

    @Test func passingAndRepeatedTagsFilterAsConsul() throws {
        let control = EngineSession()
        let api = consul.api(control)
        #expect(try ids(try helper.ask(api, .GET, "/v1/health/service/web")) == ["web-1", "web-2"])
        for passing in ["passing", "passing=1", "passing=true", "passing=T"] {
            #expect(try ids(try helper.ask(api, .GET, "/v1/health/service/web?\(passing)")) == ["web-1"], "\(passing)")
        }
        #expect(try ids(try helper.ask(api, .GET, "/v1/health/service/web?passing=false")) == ["web-1", "web-2"])
        let bad = try helper.ask(api, .GET, "/v1/health/service/web?passing=maybe")
        #expect(bad.status == .badRequest)
        #expect(try helper.errorText(bad) == "passing: Invalid value for ?passing ('maybe' is not true or false)")
        // Every tag must be carried; tags compare without case, as Consul compares them.
        #expect(try ids(try helper.ask(api, .GET, "/v1/health/service/web?tag=blue")) == ["web-1"])
        #expect(try ids(try helper.ask(api, .GET, "/v1/health/service/web?tag=BLUE&tag=v1")) == ["web-1"])
        #expect(try ids(try helper.ask(api, .GET, "/v1/health/service/web?tag=blue&tag=green")) == [])
        #expect(try ids(try helper.ask(api, .GET, "/v1/health/service/web?tag=nope")) == [])
        #expect(try ids(try helper.ask(api, .GET, "/v1/catalog/service/web?tag=green"), "ServiceID") == ["web-2"])
        // mesh-top's node has no metadata: a node-meta filter leaves nothing.
        #expect(try ids(try helper.ask(api, .GET, "/v1/health/service/web?node-meta=rack:1")) == [])
        #expect(try ids(try helper.ask(api, .GET, "/v1/health/service/nosuch")) == [])
        // A service mesh-top does not check: its instances have no checks, so they pass.
        let cache = try consul.list(try helper.ask(api, .GET, "/v1/health/service/cache?passing"))
        #expect(cache.compactMap { ($0["Service"] as? [String: Any])?["ID"] as? String } == ["cache-1"])
        #expect((cache.first?["Checks"] as? [Any])?.isEmpty == true)
        // Consul's filter expressions (ConsulFilterTests has the grammar).
        #expect(try ids(try helper.ask(api, .GET, "/v1/health/service/web?filter=Service.Port%3D%3D9002")) == ["web-2"])
        #expect(try helper.ask(api, .GET, "/v1/agent/services?filter=Service%3D%3D").status == .badRequest)
    }

    @Test func theRoutesToolsCall() throws {
        let control = EngineSession()
        let api = AdminAPI(session: control, journal: control.journal, token: nil, address: "127.0.0.1:9911")
        #expect(String(decoding: try helper.ask(api, .GET, "/v1/status/leader").body, as: UTF8.self) == "\"127.0.0.1:9911\"\n")
        #expect(try helper.json(try helper.ask(api, .GET, "/v1/status/peers")) as? [String] == ["127.0.0.1:9911"])
        let me = try consul.object(try helper.ask(api, .GET, "/v1/agent/self"))
        #expect((me["Config"] as? [String: Any])?["Datacenter"] as? String == "dc1")
        #expect((me["Config"] as? [String: Any])?["NodeName"] as? String == "mesh-top")
        #expect((me["Member"] as? [String: Any])?["Addr"] as? String == "127.0.0.1")
        #expect(try helper.json(try helper.ask(api, .GET, "/v1/catalog/datacenters")) as? [String] == ["dc1"])
        let nodes = try consul.list(try helper.ask(api, .GET, "/v1/catalog/nodes"))
        #expect(nodes.map { $0["Node"] as? String } == ["mesh-top"])
        let catalog = try consul.list(try helper.ask(api, .GET, "/v1/catalog/service/web"))
        #expect(catalog.map { $0["ServiceID"] as? String } == ["web-1", "web-2"])
        #expect(catalog.first?["ServicePort"] as? Int == 9001 && catalog.first?["ServiceAddress"] as? String == "127.0.0.1")
        #expect(catalog.first?["ServiceMeta"] as? [String: String] == ["zone": "a"])
        #expect(try helper.json(try helper.ask(api, .GET, "/v1/catalog/services")) as? [String: [String]] == ["web": ["blue", "v1", "green"], "cache": []])
        // health/state lists checks by status; a state Consul lacks is a 400.
        let critical = try consul.list(try helper.ask(api, .GET, "/v1/health/state/critical")).compactMap { $0["CheckID"] as? String }
        #expect(critical == ["service:web-2"])
        let passing = try consul.list(try helper.ask(api, .GET, "/v1/health/state/passing")).compactMap { $0["CheckID"] as? String }
        #expect(passing == ["service:web-1"])
        #expect(try helper.ask(api, .GET, "/v1/health/state/any").status == .ok)
        #expect(try helper.ask(api, .GET, "/v1/health/state/sick").status == .badRequest)
        let checks = try consul.list(try helper.ask(api, .GET, "/v1/health/checks/web"))
        #expect(checks.compactMap { $0["ServiceID"] as? String } == ["web-1", "web-2"])
        #expect(try consul.list(try helper.ask(api, .GET, "/v1/health/node/mesh-top")).count == 2)
        // The agent's health: 200 passing, 503 critical, 404 unknown.
        #expect(try helper.ask(api, .GET, "/v1/agent/health/service/id/web-1").status == .ok)
        #expect(try helper.ask(api, .GET, "/v1/agent/health/service/id/web-2").status == .serviceUnavailable)
        #expect(try helper.ask(api, .GET, "/v1/agent/health/service/name/web").status == .serviceUnavailable)
        let none = try helper.ask(api, .GET, "/v1/agent/health/service/name/nosuch?format=text")
        #expect(none.status == .notFound && String(decoding: none.body, as: UTF8.self) == "ServiceName nosuch Not Found")
        let one = try consul.object(try helper.ask(api, .GET, "/v1/agent/service/web-1"))
        #expect(one["Service"] as? String == "web" && (one["ContentHash"] as? String)?.isEmpty == false)
        #expect(try helper.ask(api, .GET, "/v1/agent/service/nope").status == .notFound)
        // What mesh-top does not serve, it says so.
        let kv = try helper.ask(api, .GET, "/v1/kv/app/config")
        #expect(kv.status == .notFound)
        #expect(try helper.errorText(kv).contains("the KV store is out of mesh-top's scope"))
        #expect(try helper.ask(api, .PUT, "/v1/agent/services").status == .methodNotAllowed)
    }

    @Test func indexZeroAnswersAtOnceAndTheIndexIsNeverZero() throws {
        let control = EngineSession()
        let api = consul.api(control)
        for path in ["/v1/health/service/web", "/v1/health/service/nosuch", "/v1/catalog/services", "/v1/catalog/service/web",
                     "/v1/catalog/nodes", "/v1/health/checks/web", "/v1/health/state/any"] {
            let started = Date()
            let answer = try helper.ask(api, .GET, path + "?index=0&wait=30s")
            #expect(Date().timeIntervalSince(started) < 10, "\(path)")
            #expect((header(answer, "X-Consul-Index").flatMap { UInt64($0) } ?? 0) >= 1, "\(path)")
            #expect(header(answer, "X-Consul-KnownLeader") == "true" && header(answer, "X-Consul-LastContact") == "0", "\(path)")
            #expect(header(answer, "X-Consul-Effective-Consistency") == "leader", "\(path)")
        }
        #expect(header(try helper.ask(api, .GET, "/v1/catalog/services?stale"), "X-Consul-Effective-Consistency") == "stale")
        let badIndex = try helper.ask(api, .GET, "/v1/health/service/web?index=x")
        #expect(badIndex.status == .badRequest)
        #expect(try helper.errorText(badIndex) == "index: Invalid index (expected a whole number, got 'x')")
        #expect(try helper.ask(api, .GET, "/v1/health/service/web?index=1&wait=soon").status == .badRequest)
        #expect(try helper.ask(api, .GET, "/v1/health/service/web?dc=dc2").status == .badRequest)
    }

    @Test func aBlockingQueryAnswersWhenItsAnswerChangesAndTheIndexOnlyGrows() throws {
        let control = EngineSession()
        let api = consul.api(control)
        let first = try helper.ask(api, .GET, "/v1/health/service/api")
        let index = try #require(header(first, "X-Consul-Index").flatMap { UInt64($0) })
        let waiting = api.respond(to: AdminRequest(method: .GET, uri: "/v1/health/service/api?index=\(index)&wait=60s"), on: helper.group.next())
        // Another service's change leaves it waiting; a registration in api answers it.
        control.submit(.operate(OperatorCommand(action: .drain, target: EndpointRef(service: "web", endpoint: "web-1"), by: "t")))
        Thread.sleep(forTimeInterval: 0.3)
        #expect(!answered(waiting))
        let started = Date()
        #expect(try consul.register(api, #"{"Name": "api", "ID": "api-1", "Port": 9101}"#).status == .ok)
        let answer = try waiting.wait()
        #expect(Date().timeIntervalSince(started) < 10)
        let next = try #require(header(answer, "X-Consul-Index").flatMap { UInt64($0) })
        #expect(next > index)
        #expect(try ids(answer) == ["api-1"])
        // Nothing new: it waits out `wait` (and at most a sixteenth more) with the same index.
        let quiet = Date()
        let same = try helper.ask(api, .GET, "/v1/health/service/api?index=\(next)&wait=300ms")
        let waited = Date().timeIntervalSince(quiet)
        #expect(waited >= 0.29)
        #expect(header(same, "X-Consul-Index") == String(next))
        // Back and forth: the answer returns to an earlier one, the index still moves on.
        #expect(try helper.ask(api, .PUT, "/v1/agent/service/deregister/api-1").status == .ok)
        let after = try #require(header(try helper.ask(api, .GET, "/v1/health/service/api"), "X-Consul-Index").flatMap { UInt64($0) })
        #expect(after > next)
    }

    @Test func waitIsCappedAsConsulCapsIt() {
        #expect(ConsulIndex.timeout(wait: nil, random: 0) == 300)
        #expect(ConsulIndex.timeout(wait: 0, random: 0) == 300)
        #expect(ConsulIndex.timeout(wait: 30, random: 0) == 30)
        #expect(ConsulIndex.timeout(wait: 3600, random: 0) == 600)
        #expect(ConsulIndex.timeout(wait: 3600, random: 1) == 637.5)
        #expect(ConsulIndex.timeout(wait: 16, random: 1) == 17)
    }

    @Test func goDurationsReadAndWriteAsGoDoes() {
        #expect(GoDuration.parse("1m30s") == 90)
        #expect(GoDuration.parse("500ms") == 0.5)
        #expect(GoDuration.parse("1.5h") == 5400)
        #expect(GoDuration.parse("0") == 0)
        #expect(GoDuration.parse("-2s") == -2)
        #expect(GoDuration.parse("10") == nil)
        #expect(GoDuration.parse("") == nil)
        #expect(GoDuration.parse("s") == nil)
        #expect(GoDuration.format(90) == "1m30s")
        #expect(GoDuration.format(3600) == "1h0m0s")
        #expect(GoDuration.format(0.25) == "250ms")
        #expect(GoDuration.format(1.5) == "1.5s")
    }

    @Test func agentServiceBlocksOnItsContentHash() throws {
        let control = EngineSession()
        let api = consul.api(control)
        let first = try helper.ask(api, .GET, "/v1/agent/service/web-1")
        let hash = try #require(header(first, "X-Consul-ContentHash"))
        let waiting = api.respond(to: AdminRequest(method: .GET, uri: "/v1/agent/service/web-1?hash=\(hash)&wait=60s"), on: helper.group.next())
        Thread.sleep(forTimeInterval: 0.2)
        #expect(!answered(waiting))
        control.submit(.operate(OperatorCommand(action: .weight, target: EndpointRef(service: "web", endpoint: "web-1"), by: "t", weight: 7)))
        let changed = try waiting.wait()
        #expect(header(changed, "X-Consul-ContentHash") != hash)
        #expect(((try consul.object(changed))["Weights"] as? [String: Int])?["Passing"] == 7)
    }
}
