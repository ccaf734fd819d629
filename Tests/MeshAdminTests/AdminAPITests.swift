import Foundation
@testable import MeshAdmin
import MeshCore
import NIOCore
import NIOHTTP1
import NIOPosix
import Testing

/// The routes without sockets: a request in, an answer out.
@Suite struct AdminAPITests {
    let group = MultiThreadedEventLoopGroup.singleton

    func ask(_ api: AdminAPI, _ method: HTTPMethod, _ uri: String, body: String = "", token: String? = nil) throws -> AdminResponse {
        var headers = HTTPHeaders()
        if let token { headers.add(name: "Authorization", value: "Bearer \(token)") }
        return try api.respond(to: AdminRequest(method: method, uri: uri, headers: headers, body: Array(body.utf8)),
                               on: group.next()).wait()
    }

    func json(_ response: AdminResponse) throws -> Any {
        try JSONSerialization.jsonObject(with: Data(response.body))
    }

    func errorText(_ response: AdminResponse) throws -> String {
        try #require((try json(response) as? [String: Any])?["error"] as? String)
    }

    @Test func healthzAndMesh() throws {
        let api = AdminAPI(session: FakeSession(), journal: EventJournal(), token: nil)
        #expect(try ask(api, .GET, "/healthz").status == .ok)
        let mesh = try ask(api, .GET, "/v1/mesh")
        #expect(mesh.status == .ok && mesh.contentType == "application/json")
        let state = try JSONDecoder().decode(MeshState.self, from: Data(mesh.body))
        #expect(state.endpoint(EndpointRef(service: "web", endpoint: "web-2"))?.state == .killed)
    }

    @Test func operatorActionsAnswerWithTheEngineVerdict() throws {
        let control = FakeSession()
        let api = AdminAPI(session: control, journal: EventJournal(), token: nil)
        let drained = try ask(api, .POST, "/v1/endpoints/web/web-1/drain")
        #expect(drained.status == .ok)
        #expect(control.commands.last == OperatorCommand(action: .drain, target: EndpointRef(service: "web", endpoint: "web-1"), by: "api"))

        let unknown = try ask(api, .POST, "/v1/endpoints/web/nope/kill")
        #expect(unknown.status == .notFound)
        #expect(try errorText(unknown) == "unknown endpoint web/nope")

        let refused = try ask(api, .POST, "/v1/endpoints/web/web-2/drain")
        #expect(refused.status == .conflict)
        #expect(try errorText(refused) == "cannot drain web/web-2: it is killed")

        #expect(try ask(api, .GET, "/v1/endpoints/web/web-1/drain").status == .methodNotAllowed)
        #expect(try ask(api, .POST, "/v1/endpoints/web/web-1/explode").status == .notFound)
    }

    @Test func weightBodiesAreCheckedFieldByField() throws {
        let control = FakeSession()
        let api = AdminAPI(session: control, journal: EventJournal(), token: nil)
        let ok = try ask(api, .PUT, "/v1/endpoints/web/web-1/weight", body: #"{"weight": 250}"#)
        #expect(ok.status == .ok)
        #expect(control.commands.last?.weight == 250)
        let before = control.commands.count

        let cases: [(String, String)] = [
            ("", "body: expected {\"weight\": N}, got nothing"),
            ("{", "body: not JSON (expected {\"weight\": N}): expected a member name in quotes at byte 1"),
            ("[1]", "body: not a JSON object (expected {\"weight\": N})"),
            ("{}", "body.weight: missing (expected {\"weight\": N})"),
            (#"{"w": 3}"#, "body.w: unknown field (expected only weight)"),
            (#"{"weight": 3, "Weight": 4}"#, "body.Weight: unknown field (expected only weight)"),
            // Which of two counts is left to the reader by RFC 8259 §4: neither is taken.
            (#"{"weight": 3, "weight": 400}"#, "body.weight: given twice"),
            (#"{"weight": "heavy"}"#, "body.weight: expected a whole number 0...10000, got 'heavy'"),
            (#"{"weight": 2.5}"#, "body.weight: expected a whole number 0...10000, got 2.5"),
            (#"{"weight": -4}"#, "body.weight: expected a whole number 0...10000, got -4"),
            // Too large for any integer type: said as written, no trap converting it.
            (#"{"weight": 1e400}"#, "body.weight: expected a whole number 0...10000, got 1e400"),
            (#"{"weight": 99999999999999999999999}"#, "body.weight: expected a whole number 0...10000, got 99999999999999999999999"),
            (#"{"weight": null}"#, "body.weight: expected a whole number 0...10000, got null"),
            (#"{"weight": 3} x"#, "body: not JSON (expected {\"weight\": N}): unexpected data after the top-level value at byte 14"),
        ]
        for (body, message) in cases {
            let answer = try ask(api, .PUT, "/v1/endpoints/web/web-1/weight", body: body)
            #expect(answer.status == .badRequest, "\(body)")
            #expect(try errorText(answer) == message, "\(body)")
        }
        // Nothing reached the engine for a bad body.
        #expect(control.commands.count == before)
        #expect(try ask(api, .POST, "/v1/endpoints/web/web-1/weight", body: #"{"weight": 4}"#).status == .methodNotAllowed)
    }

    @Test func aTokenGuardsMutatingRoutesOnly() throws {
        let control = FakeSession()
        let api = AdminAPI(session: control, journal: EventJournal(), token: "s3cret")
        #expect(try ask(api, .GET, "/v1/mesh").status == .ok)
        #expect(try ask(api, .POST, "/v1/endpoints/web/web-1/kill").status == .unauthorized)
        #expect(try ask(api, .POST, "/v1/endpoints/web/web-1/kill", token: "guess").status == .forbidden)
        #expect(control.commands.isEmpty)
        #expect(try ask(api, .POST, "/v1/endpoints/web/web-1/kill", token: "s3cret").status == .ok)
        // Consul clients send their token this way.
        var headers = HTTPHeaders()
        headers.add(name: "X-Consul-Token", value: "s3cret")
        let consul = try api.respond(to: AdminRequest(method: .POST, uri: "/v1/endpoints/web/web-1/restore", headers: headers), on: group.next()).wait()
        #expect(consul.status == .ok)
        // One token is taken, as Consul takes it (?token, then X-Consul-Token, then Bearer; the
        // first of each): a wrong one is not excused by a right one sent another way.
        func status(_ uri: String, _ fields: [(String, String)]) throws -> HTTPResponseStatus {
            var headers = HTTPHeaders()
            for (name, value) in fields { headers.add(name: name, value: value) }
            return try api.respond(to: AdminRequest(method: .POST, uri: uri, headers: headers), on: group.next()).wait().status
        }
        let kill = "/v1/endpoints/web/web-1/kill"
        #expect(try status(kill, [("X-Consul-Token", "guess"), ("Authorization", "Bearer s3cret")]) == .forbidden)
        #expect(try status(kill, [("X-Consul-Token", "guess"), ("X-Consul-Token", "s3cret")]) == .forbidden)
        #expect(try status(kill + "?token=guess&token=s3cret", []) == .forbidden)
        #expect(try status(kill + "?token=guess", [("X-Consul-Token", "s3cret")]) == .forbidden)
        #expect(try status(kill + "?token=s3cret", [("X-Consul-Token", "guess")]) == .ok)
    }

    @Test func eventsAfterASequenceNumber() throws {
        let journal = EventJournal()
        let api = AdminAPI(session: FakeSession(), journal: journal, token: nil)
        for seq in 1...5 { journal.append(Self.change(seq: UInt64(seq))) }
        let answer = try ask(api, .GET, "/v1/events?since=3")
        let events = try JSONDecoder().decode([MeshEvent].self, from: Data(answer.body))
        #expect(events.map(\.seq) == [4, 5])
        #expect(answer.extraHeaders.first { $0.0 == "X-Mesh-Top-Index" }?.1 == "5")
        #expect(try ask(api, .GET, "/v1/events?since=-1").status == .badRequest)
        #expect(try ask(api, .GET, "/v1/events?wait=soon").status == .badRequest)
        #expect(try JSONDecoder().decode([MeshEvent].self, from: Data(try ask(api, .GET, "/v1/events?since=5").body)).isEmpty)
    }

    @Test func aLongPollWakesOnTheNextEventAndTimesOutEmpty() throws {
        let journal = EventJournal()
        let api = AdminAPI(session: FakeSession(), journal: journal, token: nil)
        journal.append(Self.change(seq: 1))
        let waiting = api.respond(to: AdminRequest(method: .GET, uri: "/v1/events?since=1&wait=60s"), on: group.next())
        Thread.sleep(forTimeInterval: 0.1)
        journal.append(Self.change(seq: 2))
        let started = Date()
        let woken = try waiting.wait()
        // Woken by the event, not by the end of the wait (generous on a loaded machine).
        #expect(Date().timeIntervalSince(started) < 30)
        #expect(try JSONDecoder().decode([MeshEvent].self, from: Data(woken.body)).map(\.seq) == [2])

        let quiet = Date()
        let empty = try ask(api, .GET, "/v1/events?since=2&wait=200ms")
        #expect(Date().timeIntervalSince(quiet) >= 0.19)
        #expect(try JSONDecoder().decode([MeshEvent].self, from: Data(empty.body)).isEmpty)
    }

    @Test func unknownRoutesAndMethods() throws {
        let api = AdminAPI(session: FakeSession(), journal: EventJournal(), token: nil)
        let missing = try ask(api, .GET, "/v2/everything")
        #expect(missing.status == .notFound)
        #expect(try errorText(missing) == "no route GET /v2/everything")
        let wrong = try ask(api, .DELETE, "/v1/mesh")
        #expect(wrong.status == .methodNotAllowed)
        #expect(wrong.extraHeaders.contains { $0 == ("Allow", "GET") })
    }

    static func change(seq: UInt64) -> MeshEvent {
        MeshEvent(seq: seq, t: Double(seq), body: .endpointState(StateChange(
            endpoint: EndpointRef(service: "web", endpoint: "web-1"), from: .healthy, to: .unhealthy, reason: "test")))
    }
}
