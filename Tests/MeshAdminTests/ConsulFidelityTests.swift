import Foundation
@testable import MeshAdmin
import MeshCore
import NIOHTTP1
import Testing

/// What Consul clients see of the model's edges, over the real engine: reports to checks that
/// take none, checks deregistered apart from their service, an instance registered without an
/// Address, its TaggedAddresses, and Consul's 405s.
@Suite struct ConsulFidelityTests {
    let helper = AdminAPITests()
    let consul = ConsulAPITests()
    let checks = ConsulChecksTests()

    func agentService(_ api: AdminAPI, _ id: String) throws -> [String: Any] {
        try #require(try consul.object(try helper.ask(api, .GET, "/v1/agent/services"))[id] as? [String: Any])
    }

    /// A run-file endpoint's check is mesh-top's own HTTP or TCP check (its `health:`): in
    /// Consul's model a check the agent runs, so a report to it is Consul's 500 in Consul's
    /// words, as is one to a maintenance check; an unknown ID stays a 404.
    @Test func reportsToChecksThatAreNotTTLAreConsulsRefusal() throws {
        let control = EngineSession()
        let api = consul.api(control)
        let entry = try #require(try consul.object(try helper.ask(api, .GET, "/v1/agent/checks"))["service:web-1"] as? [String: Any])
        #expect(entry["Type"] as? String == "http")
        let before = control.currentState()
        for uri in ["/v1/agent/check/pass/service:web-1", "/v1/agent/check/fail/service:web-1?note=x"] {
            let refused = try helper.ask(api, .PUT, uri)
            #expect(refused.status == .internalServerError, "\(uri)")
            #expect(try helper.errorText(refused) == #"CheckID "service:web-1" does not have associated TTL"#, "\(uri)")
        }
        let update = try helper.ask(api, .PUT, "/v1/agent/check/update/service:web-1", body: #"{"Status": "passing"}"#)
        #expect(update.status == .internalServerError)
        #expect(control.currentState() == before)
        #expect(try helper.ask(api, .PUT, "/v1/agent/service/maintenance/web-2?enable=true").status == .ok)
        let maintenance = try helper.ask(api, .PUT, "/v1/agent/check/pass/_service_maintenance:web-2")
        #expect(maintenance.status == .internalServerError)
        #expect(try helper.errorText(maintenance) == #"CheckID "_service_maintenance:web-2" does not have associated TTL"#)
        #expect(try helper.ask(api, .PUT, "/v1/agent/check/pass/service:nosuch").status == .notFound)
    }

    /// `PUT /v1/agent/check/deregister/ID`: the check goes, the instance stays with the others
    /// as they stood; a service's maintenance check removed ends its maintenance; deregistering
    /// the service takes its checks with it.
    @Test func aCheckIsDeregisteredApartFromItsService() throws {
        let control = EngineSession()
        let api = consul.api(control)
        #expect(try consul.register(api, #"{"Name": "api", "ID": "api-1", "Port": 9101, "Checks": [{"CheckID": "hb", "TTL": "30s"}, {"CheckID": "disk", "TTL": "30s"}]}"#).status == .ok)
        #expect(try helper.ask(api, .PUT, "/v1/agent/check/pass/hb?note=beat").status == .ok)
        #expect(try checks.passingIDs(api, "api") == [])
        control.advance(to: 20)
        #expect(try helper.ask(api, .PUT, "/v1/agent/check/deregister/disk").status == .ok)
        let left = try consul.object(try helper.ask(api, .GET, "/v1/agent/checks"))
        #expect(left["disk"] == nil)
        let hb = try #require(left["hb"] as? [String: Any])
        #expect(hb["Status"] as? String == "passing" && hb["Output"] as? String == "beat")
        #expect(try checks.passingIDs(api, "api") == ["api-1"])
        #expect(checks.state(control, "api-1") == .healthy)
        // hb's TTL kept running: it lapses 30 s after its report, not 30 s after the removal.
        control.advance(to: 31)
        #expect(try checks.status(api, "hb") == "critical")

        // Maintenance is its check: removing it ends the maintenance.
        #expect(try helper.ask(api, .PUT, "/v1/agent/service/maintenance/web-2?enable=true&reason=patch").status == .ok)
        #expect(control.currentState().endpoint(EndpointRef(service: "web", endpoint: "web-2"))?.state.isAdministrative == true)
        #expect(try helper.ask(api, .PUT, "/v1/agent/check/deregister/_service_maintenance:web-2").status == .ok)
        #expect(control.currentState().endpoint(EndpointRef(service: "web", endpoint: "web-2"))?.state.isAdministrative == false)

        // Refusals change nothing.
        let before = control.currentState()
        let configured = try helper.ask(api, .PUT, "/v1/agent/check/deregister/service:web-1")
        #expect(configured.status == .conflict)
        #expect(try helper.errorText(configured).hasPrefix("ID 'web-1' is the configured endpoint web/web-1"))
        let unknown = try helper.ask(api, .PUT, "/v1/agent/check/deregister/nosuch")
        #expect(unknown.status == .notFound)
        #expect(try helper.errorText(unknown) == #"Unknown check ID "nosuch". Ensure that the check ID is passed, not the check name."#)
        #expect(control.currentState() == before)

        #expect(try helper.ask(api, .PUT, "/v1/agent/service/deregister/api-1").status == .ok)
        let after = try consul.object(try helper.ask(api, .GET, "/v1/agent/checks"))
        #expect(after["hb"] == nil && after.values.allSatisfy { ($0 as? [String: Any])?["ServiceID"] as? String != "api-1" })
    }

    /// Consul keeps an empty Address and clients fall back to the node's: every route shows
    /// `""`, none adds tagged addresses for it, and the endpoint is routed at the node's
    /// address. Given TaggedAddresses are kept, beside Consul's defaults for an IP address.
    @Test func anEmptyAddressStaysEmptyAndTaggedAddressesAreKept() throws {
        let control = EngineSession()
        let api = consul.api(control)
        #expect(try consul.register(api, #"{"Name": "api", "ID": "api-1", "Port": 9101}"#).status == .ok)
        let service = try agentService(api, "api-1")
        #expect(service["Address"] as? String == "" && service["Port"] as? Int == 9101)
        #expect((service["TaggedAddresses"] as? [String: Any])?.isEmpty == true)
        let catalog = try #require(try consul.list(try helper.ask(api, .GET, "/v1/catalog/service/api")).first)
        #expect(catalog["ServiceAddress"] as? String == "" && catalog["Address"] as? String == "127.0.0.1")
        let health = try #require(try consul.list(try helper.ask(api, .GET, "/v1/health/service/api")).first)
        #expect((health["Service"] as? [String: Any])?["Address"] as? String == "")
        #expect(control.currentState().endpoint(EndpointRef(service: "api", endpoint: "api-1"))?.address == "127.0.0.1:9101")

        #expect(try consul.register(api, #"""
            {"Name": "api", "ID": "api-2", "Address": "10.0.0.7", "Port": 80,
             "TaggedAddresses": {"wan": {"Address": "198.51.100.7", "Port": 8080}, "lan_ipv4": {"Address": "10.0.0.8", "Port": 81}}}
            """#).status == .ok)
        let tagged = try #require(try agentService(api, "api-2")["TaggedAddresses"] as? [String: [String: Any]])
        #expect(Set(tagged.keys) == ["wan", "lan_ipv4", "wan_ipv4"])
        #expect(tagged["wan"]?["Address"] as? String == "198.51.100.7" && tagged["wan"]?["Port"] as? Int == 8080)
        #expect(tagged["lan_ipv4"]?["Address"] as? String == "10.0.0.8" && tagged["wan_ipv4"]?["Address"] as? String == "10.0.0.7")
        let entry = try #require(try consul.list(try helper.ask(api, .GET, "/v1/catalog/service/api")).last)
        #expect((entry["ServiceTaggedAddresses"] as? [String: Any])?.keys.sorted() == ["lan_ipv4", "wan", "wan_ipv4"])

        let bad = try consul.register(api, #"{"Name": "api", "ID": "api-3", "Port": 80, "TaggedAddresses": {"lan_ipv4": {"Address": "db.internal", "Port": 1}}}"#)
        #expect(bad.status == .badRequest)
        #expect(try helper.errorText(bad) == #"body.TaggedAddresses.lan_ipv4.Address: Service tagged address "lan_ipv4" must be a valid ipv4 address"#)
    }

    /// Node maintenance (`PUT /v1/agent/maintenance`): Consul's critical `_node_maintenance`
    /// check with every instance, none in `?passing`, every endpoint out of the balancer's
    /// host set (drained), an instance registered meanwhile too; when it ends, what it drained
    /// comes back and what was in maintenance of its own before stays out.
    @Test func nodeMaintenanceTakesEveryInstanceOut() throws {
        let control = EngineSession()
        let api = consul.api(control)
        func out(_ service: String, _ id: String) -> Bool {
            control.currentState().endpoint(EndpointRef(service: service, endpoint: id))?.state.isAdministrative == true
        }
        #expect(try consul.register(api, #"{"Name": "api", "ID": "api-1", "Port": 9101, "Check": {"TTL": "30s", "Status": "passing"}}"#).status == .ok)
        #expect(try helper.ask(api, .PUT, "/v1/agent/service/maintenance/web-2?enable=true&reason=own").status == .ok)
        #expect(try checks.passingIDs(api, "web") == ["web-1"] && checks.passingIDs(api, "api") == ["api-1"])

        #expect(try helper.ask(api, .PUT, "/v1/agent/maintenance?enable=true&reason=rack%20move").status == .ok)
        let node = try #require(try consul.object(try helper.ask(api, .GET, "/v1/agent/checks"))["_node_maintenance"] as? [String: Any])
        #expect(node["Status"] as? String == "critical" && node["Notes"] as? String == "rack move")
        #expect(node["Name"] as? String == "Node Maintenance Mode" && node["ServiceID"] as? String == "" && node["Node"] as? String == "mesh-top")
        #expect(try checks.passingIDs(api, "web") == [] && checks.passingIDs(api, "api") == [])
        let web = try consul.list(try helper.ask(api, .GET, "/v1/health/service/web"))
        let ids = web.map { (($0["Checks"] as? [[String: Any]]) ?? []).compactMap { $0["CheckID"] as? String } }
        #expect(ids == [["_node_maintenance"], ["_node_maintenance", "_service_maintenance:web-2"]])
        let critical = try consul.list(try helper.ask(api, .GET, "/v1/health/state/critical")).compactMap { $0["CheckID"] as? String }
        #expect(critical.filter { $0 == "_node_maintenance" }.count == 1)
        let health = try helper.ask(api, .GET, "/v1/agent/health/service/name/api")
        #expect(health.status == .serviceUnavailable)
        #expect((try consul.list(health).first)?["AggregatedStatus"] as? String == "maintenance")
        #expect(out("web", "web-1") && out("api", "api-1") && out("cache", "cache-1"))
        #expect(control.hostSet(of: "web").isEmpty && control.hostSet(of: "api").isEmpty)
        #expect(try consul.register(api, #"{"Name": "api", "ID": "api-2", "Port": 9102}"#).status == .ok)
        #expect(out("api", "api-2"))
        // As Consul's: enabling it again changes nothing; the check takes no reports.
        let during = control.currentState()
        #expect(try helper.ask(api, .PUT, "/v1/agent/maintenance?enable=true&reason=again").status == .ok)
        #expect(control.currentState() == during)
        #expect(try helper.ask(api, .PUT, "/v1/agent/check/pass/_node_maintenance").status == .internalServerError)

        #expect(try helper.ask(api, .PUT, "/v1/agent/maintenance?enable=false").status == .ok)
        #expect(try consul.object(try helper.ask(api, .GET, "/v1/agent/checks"))["_node_maintenance"] == nil)
        #expect(!out("web", "web-1") && !out("api", "api-1") && !out("api", "api-2") && !out("cache", "cache-1"))
        #expect(out("web", "web-2"))
        // api-2 waits for mesh-top's first check of it, as any new endpoint does.
        #expect(try checks.passingIDs(api, "web") == ["web-1"])
        #expect(try checks.passingIDs(api, "api") == ["api-1"])

        // Its check deregistered ends it too; a reason left out is Consul's default words.
        #expect(try helper.ask(api, .PUT, "/v1/agent/maintenance?enable=1").status == .ok)
        let notes = (try consul.object(try helper.ask(api, .GET, "/v1/agent/checks"))["_node_maintenance"] as? [String: Any])?["Notes"] as? String
        #expect(notes == "Maintenance mode is enabled for this node, but no reason was provided. This is a default message.")
        #expect(try helper.ask(api, .PUT, "/v1/agent/check/deregister/_node_maintenance").status == .ok)
        #expect(!out("web", "web-1") && control.currentState().nodeMaintenance == nil)
        let bad = try helper.ask(api, .PUT, "/v1/agent/maintenance?enable=maybe")
        #expect(bad.status == .badRequest)
    }

    /// A method a route does not take is Consul's 405: `Allow` lists OPTIONS first and the
    /// route's method, comma-joined; OPTIONS itself is 200 with that `Allow` and no body.
    @Test func methodsAreAnsweredAsConsulAnswersThem() throws {
        let control = EngineSession()
        let api = consul.api(control)
        let cases: [(HTTPMethod, String, String)] = [
            (.POST, "/v1/agent/services", "OPTIONS,GET"),
            (.DELETE, "/v1/health/service/web", "OPTIONS,GET"),
            (.PUT, "/v1/agent/service/web-1", "OPTIONS,GET"),
            (.POST, "/v1/agent/service/register", "OPTIONS,PUT"),
            (.POST, "/v1/agent/check/deregister/x", "OPTIONS,PUT"),
        ]
        for (method, uri, allow) in cases {
            let refused = try helper.ask(api, method, uri)
            #expect(refused.status == .methodNotAllowed, "\(uri)")
            #expect(refused.extraHeaders.filter { $0.0 == "Allow" }.map(\.1) == [allow], "\(uri)")
            #expect(try helper.errorText(refused) == "method \(method.rawValue) not allowed", "\(uri)")
            let options = try helper.ask(api, .OPTIONS, uri)
            #expect(options.status == .ok && options.body.isEmpty, "\(uri)")
            #expect(options.extraHeaders.filter { $0.0 == "Allow" }.map(\.1) == [allow], "\(uri)")
        }
    }
}
