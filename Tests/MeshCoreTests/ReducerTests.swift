import Testing
import Foundation
@testable import MeshCore

@Suite struct ReducerTests {
    func mesh() -> MeshState {
        MeshState(name: "t", services: [
            Service(name: "web", zones: ["a", "b"], endpoints: [
                Endpoint(id: "w1", zone: "a"), Endpoint(id: "w2", zone: "b"),
            ]),
        ])
    }

    @Test func stateChangeMovesEndpointAndLogs() {
        var state = mesh()
        let ref = EndpointRef(service: "web", endpoint: "w2")
        state.apply(MeshEvent(seq: 1, t: 2.5, body: .endpointState(
            StateChange(endpoint: ref, from: .unknown, to: .healthy, reason: "check passed"))))
        #expect(state.endpoint(ref)?.state == .healthy)
        #expect(state.endpoint(ref)?.since == 2.5)
        #expect(state.endpoint(EndpointRef(service: "web", endpoint: "w1"))?.state == .unknown)
        #expect(state.seq == 1 && state.time == 2.5)
        #expect(state.log.count == 1)
    }

    @Test func samplesUpdateLoadAndHistoryButNotLog() {
        var state = mesh()
        let w1 = EndpointRef(service: "web", endpoint: "w1"), w2 = EndpointRef(service: "web", endpoint: "w2")
        for i in 1...70 {
            state.apply(MeshEvent(seq: UInt64(i), t: Double(i), body: .sample(LoadSample(endpoints: [
                .init(endpoint: w2, load: EndpointLoad(rps: Double(i))),
                .init(endpoint: w1, load: EndpointLoad(rps: 1)),
            ]))))
        }
        #expect(state.endpoint(w2)?.load.rps == 70)
        #expect(state.endpoint(w2)?.history.count == Endpoint.historyLength)
        #expect(state.endpoint(w2)?.history.first == 11)
        #expect(state.endpoint(w1)?.load.rps == 1)
        #expect(state.log.isEmpty)
    }

    @Test func registryAddsAndRemoves() {
        var state = mesh()
        state.apply(MeshEvent(seq: 1, t: 1, body: .registry(RegistryChange(
            action: .registered, service: "web", endpoint: Endpoint(id: "w3", zone: "b")))))
        #expect(state.service("web")?.endpoints.map(\.id) == ["w1", "w2", "w3"])
        state.apply(MeshEvent(seq: 2, t: 2, body: .registry(RegistryChange(
            action: .deregistered, service: "web", endpoint: Endpoint(id: "w1")))))
        #expect(state.service("web")?.endpoints.map(\.id) == ["w2", "w3"])
    }

    @Test func eventsRoundTripAsFlatJSONLines() throws {
        let event = MeshEvent(seq: 7, t: 1.25, body: .endpointState(StateChange(
            endpoint: EndpointRef(service: "web", endpoint: "w1"), from: .healthy, to: .unhealthy, reason: "3 checks failed")))
        let data = try JSONEncoder().encode(event)
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(object["type"] as? String == "endpoint.state")
        #expect(object["endpoint"] as? String == "web/w1")
        #expect(object["to"] as? String == "unhealthy")
        #expect(try JSONDecoder().decode(MeshEvent.self, from: data) == event)
    }
}
