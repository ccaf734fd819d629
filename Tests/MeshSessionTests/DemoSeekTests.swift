import Foundation
import Testing
import MeshConfig
import MeshCore
import MeshSim
@testable import MeshSession

/// A demo's history is its scenario plus what the operator did: seeks keep both.
@Suite struct DemoSeekTests {
    let b1 = EndpointRef(service: "checkout", endpoint: "checkout-b1")
    let b2 = EndpointRef(service: "checkout", endpoint: "checkout-b2")

    func playback(onEvent: @escaping (MeshEvent) -> Void = { _ in }) throws -> DemoPlayback {
        DemoPlayback(scenario: try Scenario.load(path: RecordingTests.scenarioPath), onEvent: onEvent)
    }

    @Test func seekingBackAndForthKeepsTheOperatorsActions() throws {
        let demo = try playback()
        demo.advance(to: 12)
        #expect(demo.operate(OperatorCommand(action: .drain, target: b1, by: "keyboard")) == nil)
        demo.advance(to: 14)
        #expect(demo.operate(OperatorCommand(action: .kill, target: b2, by: "api")) == nil)
        demo.advance(to: 20)
        let before = demo.state
        #expect(before.endpoint(b1)?.state.isAdministrative == true)
        #expect(before.endpoint(b2)?.state == .killed)

        // [ then ]: back 10 s and forward again: the same mesh, the same history.
        #expect(demo.seek(to: 10) == nil)
        #expect(demo.state.endpoint(b1)?.state == .healthy, "before the drain, b1 is as it was")
        #expect(demo.seek(to: 20) == nil)
        #expect(demo.state.endpoint(b1)?.state == before.endpoint(b1)?.state)
        #expect(demo.state.endpoint(b2)?.state == .killed)
        #expect(demo.state.services == before.services)
        let operators = demo.state.log.compactMap { if case .operatorCommand(let c) = $0.body { c } else { nil } }
        #expect(operators.map(\.by) == ["keyboard", "api"])

        // A seek back past both and playing on applies them again at their times.
        #expect(demo.seek(to: 5) == nil)
        demo.advance(to: 13)
        #expect(demo.state.endpoint(b1)?.state.isAdministrative == true)
        #expect(demo.state.endpoint(b2)?.state == .healthy)
        demo.advance(to: 20)
        #expect(demo.state.services == before.services)
    }

    /// An input given after a seek back goes before the ones still to come, in time order.
    @Test func newInputsAfterASeekBackJoinTheTimeline() throws {
        let demo = try playback()
        demo.advance(to: 12)
        #expect(demo.operate(OperatorCommand(action: .kill, target: b2, by: "keyboard")) == nil)
        demo.advance(to: 15)
        #expect(demo.seek(to: 5) == nil)
        #expect(demo.operate(OperatorCommand(action: .drain, target: b1, by: "keyboard")) == nil)
        #expect(demo.inputs.map(\.t) == [5, 12])
        demo.advance(to: 15)
        #expect(demo.state.endpoint(b2)?.state == .killed)
        #expect(demo.state.endpoint(b1)?.state.isAdministrative == true)
    }

    /// The events a recording gets are the operator's too, so its replay shows them.
    @Test func aRecordingOfTheDemoReplaysTheActions() throws {
        var events: [MeshEvent] = []
        let demo = try playback { events.append($0) }
        demo.advance(to: 12)
        #expect(demo.operate(OperatorCommand(action: .kill, target: b2, by: "api")) == nil)
        demo.advance(to: 30)
        var cursor = ReplayCursor(initial: Simulator.mesh(of: demo.scenario), events: events)
        cursor.advance(to: 30)
        #expect(cursor.state.endpoint(b2)?.state == .killed)
        #expect(cursor.state.services == demo.state.services)
        cursor.seek(to: 11)
        #expect(cursor.state.endpoint(b2)?.state != .killed)
        cursor.seek(to: 25)
        #expect(cursor.state.endpoint(b2)?.state == .killed)
    }
}
