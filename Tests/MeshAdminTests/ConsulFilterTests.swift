import Foundation
@testable import MeshAdmin
import MeshCore
import NIOHTTP1
import Testing

/// `?filter=` as Consul evaluates it (go-bexpr v0.1): over the real engine's answers, and
/// refusals in go-bexpr's words.
@Suite struct ConsulFilterTests {
    let helper = AdminAPITests()
    let consul = ConsulAPITests()

    /// web-1 (tags blue, v1; passing), web-2 (green; critical), and two registrations of `api`
    /// with Meta and TTL checks: api-1 passing, api-2 critical.
    func mesh() throws -> (EngineSession, AdminAPI) {
        let control = EngineSession()
        let api = consul.api(control)
        #expect(try consul.register(api, #"{"Name": "api", "ID": "api-1", "Port": 9101, "Tags": ["v2", "canary"], "Meta": {"env": "prod", "team": "core"}, "Check": {"TTL": "30s", "Status": "passing"}}"#).status == .ok)
        #expect(try consul.register(api, #"{"Name": "api", "ID": "api-2", "Address": "10.0.0.2", "Port": 9102, "Tags": ["v1"], "Meta": {"env": "staging"}, "Check": {"TTL": "30s"}}"#).status == .ok)
        return (control, api)
    }

    func ids(_ api: AdminAPI, _ path: String, _ filter: String) throws -> [String] {
        let query = filter.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""
        let answer = try helper.ask(api, .GET, "\(path)?filter=\(query)")
        #expect(answer.status == .ok, "\(filter): \(String(decoding: answer.body, as: UTF8.self))")
        switch try helper.json(answer) {
        case let map as [String: Any]: return map.keys.sorted()
        case let list as [[String: Any]]:
            return list.compactMap { ($0["Service"] as? [String: Any])?["ID"] as? String ?? $0["ServiceID"] as? String ?? $0["CheckID"] as? String }.sorted()
        default: return []
        }
    }

    @Test(arguments: [
        ("/v1/agent/services", #"Service == "api""#, ["api-1", "api-2"]),
        ("/v1/agent/services", #"Service == api and Meta.env == prod"#, ["api-1"]),
        ("/v1/agent/services", #""v1" in Tags"#, ["api-2", "web-1"]),
        ("/v1/agent/services", #"v1 not in Tags and Service != cache"#, ["api-1", "web-2"]),
        ("/v1/agent/services", #"Tags contains "canary""#, ["api-1"]),
        ("/v1/agent/services", #"Meta.env matches "^pro" or (Service == web and not (Tags contains green))"#, ["api-1", "web-1"]),
        ("/v1/agent/services", #"Meta["team"] == core"#, ["api-1"]),
        ("/v1/agent/services", #"Meta.env != prod and Service == api"#, ["api-2"]),
        ("/v1/agent/services", #"team in Meta"#, ["api-1"]),
        ("/v1/agent/services", #"Port == 9102"#, ["api-2"]),
        ("/v1/agent/services", #"Address == "" and Service == api"#, ["api-1"]),
        ("/v1/agent/services", #"Service matches "^(api|cache)$" and Tags is empty"#, ["cache-1"]),
        ("/v1/health/service/api", #"Checks.Status == passing"#, ["api-1"]),
        ("/v1/health/service/api", #"Checks.Status != passing"#, ["api-2"]),
        ("/v1/health/service/api", #"Service.Meta.env == staging"#, ["api-2"]),
        ("/v1/health/service/web", #"Service.Tags contains blue and Node.Node == "mesh-top""#, ["web-1"]),
        ("/v1/catalog/service/api", #"ServiceMeta.env == prod"#, ["api-1"]),
        ("/v1/catalog/service/api", #"ServiceTags not contains v1"#, ["api-1"]),
        ("/v1/agent/checks", #"Status == critical and ServiceName == api"#, ["service:api-2"]),
        ("/v1/health/state/any", #"ServiceID == "web-1""#, ["web-1"]),
    ])
    func filtersSelectAsConsulSelects(_ route: (String, String, [String])) throws {
        let (_, api) = try mesh()
        #expect(try ids(api, route.0, route.1) == route.2, "\(route.0) \(route.1)")
    }

    /// Every instance has Meta (its zone, or its registration's) but cache-1; the catalog's
    /// services are those with an instance that passes.
    @Test func emptinessAndTheCatalogsServices() throws {
        let (_, api) = try mesh()
        #expect(try ids(api, "/v1/agent/services", "Meta is empty") == ["cache-1"])
        #expect(try ids(api, "/v1/agent/services", "Meta is not empty") == ["api-1", "api-2", "web-1", "web-2"])
        let services = try consul.object(try helper.ask(api, .GET, "/v1/catalog/services?filter=ServiceTags%20contains%20canary"))
        #expect(services.keys.sorted() == ["api"] && services["api"] as? [String] == ["v2", "canary"])
    }

    @Test(arguments: [
        ("Service ==", "1:11 (10): expected a value, got the end"),
        ("(Service == api", "1:16 (15): Unmatched parentheses"),
        (#"Service == "api"#, "1:12 (11): Unterminated string literal"),
        ("Service == api or", "1:18 (17): expected a selector, a value or '(', got the end"),
        ("Service = api", #"1:9 (8): expected ==, !=, contains, matches, in or is after Service"#),
        ("Nope == 1", #"Selector "Nope" is not valid"#),
        ("Meta.env.x == 1", #"Selector "Meta.env.x" is not valid"#),
        ("Tags == v1", #"Invalid match operator "Equal" for selector "Tags""#),
        ("Port == eighty", #"Failed to coerce value "eighty" for selector "Port": invalid syntax"#),
        (#"Service matches "(""#, #"Failed to compile regular expression "(": invalid pattern"#),
    ])
    func aBadExpressionIsA400InGoBexprsWords(_ bad: (String, String)) throws {
        let (control, api) = try mesh()
        let before = control.currentState()
        let query = bad.0.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""
        // Syntax is every route's; selectors are the route's entries' (Meta is not a health entry's).
        let paths = bad.1.hasPrefix("1:") ? ["/v1/agent/services", "/v1/health/service/api?index=1&wait=1s"] : ["/v1/agent/services"]
        for path in paths {
            let answer = try helper.ask(api, .GET, path + (path.contains("?") ? "&" : "?") + "filter=\(query)")
            #expect(answer.status == .badRequest, "\(bad.0)")
            let text = try helper.errorText(answer)
            #expect(text == "filter: Failed to create boolean expression evaluator: \(bad.1)", "\(bad.0): \(text)")
        }
        #expect(control.currentState() == before)
    }

    @Test func selectorsAreTheRoutesOwn() throws {
        let (_, api) = try mesh()
        let answer = try helper.ask(api, .GET, "/v1/health/service/api?filter=Meta.env%20%3D%3D%20prod")
        #expect(try helper.errorText(answer) == #"filter: Failed to create boolean expression evaluator: Selector "Meta" is not valid"#)
        #expect(try ids(api, "/v1/health/service/api", "Service.Meta.env == prod") == ["api-1"])
    }

    @Test func limitsAreGoBexprs() throws {
        let (_, api) = try mesh()
        let many = Array(repeating: "Service == api", count: 33).joined(separator: " or ")
        let answer = try helper.ask(api, .GET, "/v1/agent/services?filter=" + (many.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""))
        #expect(try helper.errorText(answer) == "filter: Failed to create boolean expression evaluator: Number of match expressions (33) exceeds the limit (32)")
        let deep = String(repeating: "(", count: 100) + "Service == api" + String(repeating: ")", count: 100)
        let nested = try helper.ask(api, .GET, "/v1/agent/services?filter=" + (deep.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""))
        #expect(nested.status == .badRequest)
    }
}
