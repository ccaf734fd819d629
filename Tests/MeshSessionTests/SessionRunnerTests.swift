import Foundation
import MeshConfig
import MeshCore
import MeshSession
import MeshSim
import Testing

/// Operator commands through the runner get an answer, always: applied, refused, or refused
/// because the session is over (an API client must never wait forever).
@Suite struct SessionRunnerTests {
    final class Answers: @unchecked Sendable {
        private let lock = NSLock()
        private var list: [OperatorError?] = []
        func add(_ answer: OperatorError?) { lock.withLock { list.append(answer) } }
        var all: [OperatorError?] { lock.withLock { list } }
    }

    func runner() throws -> SessionRunner {
        let scenario = try Scenario.load(path: RecordingTests.scenarioPath)
        return SessionRunner(playback: DemoPlayback(scenario: scenario, isRecording: false) { _ in }, speed: 1, duration: 90, stopAtEnd: false)
    }

    @Test func commandsAreAnsweredAppliedOrRefused() throws {
        let runner = try runner()
        runner.start()
        let answers = Answers()
        let a1 = EndpointRef(service: "checkout", endpoint: "checkout-a1")
        runner.submit(.operate(OperatorCommand(action: .kill, target: a1, by: "api"))) { answers.add($0) }
        runner.submit(.operate(OperatorCommand(action: .drain, target: a1, by: "api"))) { answers.add($0) }
        runner.submit(.operate(OperatorCommand(action: .kill, target: EndpointRef(service: "checkout", endpoint: "zz"), by: "api"))) { answers.add($0) }
        let deadline = Date().addingTimeInterval(10)
        while answers.all.count < 3, Date() < deadline { usleep(10_000) }
        runner.submit(.stop)
        runner.waitUntilStopped()
        #expect(answers.all.count == 3)
        #expect(answers.all.first == .some(nil))
        #expect(answers.all.dropFirst().first == .some(.notApplicable(a1, .killed, "drain")))
        #expect(answers.all.last == .some(.unknownEndpoint(EndpointRef(service: "checkout", endpoint: "zz"))))
    }

    @Test func afterTheEndCommandsAreRefusedAtOnce() throws {
        let runner = try runner()
        runner.submit(.stop)
        runner.run()
        let answers = Answers()
        runner.submit(.operate(OperatorCommand(action: .drain, target: EndpointRef(service: "checkout", endpoint: "checkout-a1"), by: "api"))) { answers.add($0) }
        #expect(answers.all == [.readOnly("the session has ended")])
    }

    /// A refusal reaches the footer with who was refused, and the same refusal twice counts
    /// twice (the dashboard shows each).
    @Test func refusalsSayWhoAndCount() throws {
        let runner = try runner()
        runner.start()
        defer { runner.submit(.stop); runner.waitUntilStopped() }
        let answers = Answers()
        let a1 = EndpointRef(service: "checkout", endpoint: "checkout-a1")
        runner.submit(.operate(OperatorCommand(action: .restore, target: a1, by: "api"))) { answers.add($0) }
        var deadline = Date().addingTimeInterval(10)
        while runner.snapshot().messageID == 0, Date() < deadline { usleep(10_000) }
        #expect(runner.snapshot().message?.hasPrefix("api: cannot restore checkout/checkout-a1") == true, "\(String(describing: runner.snapshot().message))")
        runner.submit(.operate(OperatorCommand(action: .restore, target: a1, by: "keyboard")))
        deadline = Date().addingTimeInterval(10)
        while runner.snapshot().messageID < 2, Date() < deadline { usleep(10_000) }
        #expect(runner.snapshot().messageID == 2)
        #expect(runner.snapshot().message?.hasPrefix("cannot restore") == true)
    }

    /// A summary row with no requests has no success rate rather than 100%.
    @Test func summaryWithoutRequestsHasNoSuccessRate() {
        var summary = RunSummary()
        let idle = EndpointRef(service: "web", endpoint: "idle"), busy = EndpointRef(service: "web", endpoint: "busy")
        summary.count(MeshEvent(seq: 1, t: 1, body: .sample(LoadSample(endpoints: [
            .init(endpoint: idle, load: EndpointLoad()), .init(endpoint: busy, load: EndpointLoad(rps: 10, errors: 1)),
        ]))))
        let state = MeshState(name: "t", services: [Service(name: "web", endpoints: [Endpoint(id: "idle"), Endpoint(id: "busy")])])
        let rows = summary.table(for: state).split(separator: "\n")
        let idleRow = rows.first { $0.hasPrefix("web/idle") } ?? ""
        #expect(idleRow.split(separator: " ").dropLast().last == "-", "\(idleRow)")
        #expect(rows.first { $0.hasPrefix("web/busy") }?.contains("90.0%") == true)
    }
}

extension SessionRunnerTests {
    /// A command is answered once what it did is in the published snapshot: a reader woken by
    /// the answer sees it (Consul clients read right after a 200).
    @Test func answersComeAfterTheSnapshotShowsTheChange() throws {
        let runner = try runner()
        let published = Answers()
        runner.onPublish = { _ in published.add(nil) }
        runner.start()
        defer { runner.submit(.stop); runner.waitUntilStopped() }
        let seen = SeenStates()
        for i in 0..<20 {
            let endpoint = Endpoint(id: "c-\(i)", address: "127.0.0.1:9001", registration: Registration())
            runner.submit(.registry(.register(service: "checkout", endpoint: endpoint))) { [session = runner.handle] refusal in
                seen.add(refusal == nil && session.snapshot().state.endpoint(EndpointRef(service: "checkout", endpoint: "c-\(i)")) != nil)
            }
        }
        let deadline = Date().addingTimeInterval(10)
        while seen.count < 20, Date() < deadline { usleep(10_000) }
        #expect(seen.all == Array(repeating: true, count: 20))
        #expect(!published.all.isEmpty)
    }

    final class SeenStates: @unchecked Sendable {
        private let lock = NSLock()
        private var list: [Bool] = []
        func add(_ v: Bool) { lock.withLock { list.append(v) } }
        var all: [Bool] { lock.withLock { list } }
        var count: Int { lock.withLock { list.count } }
    }
}
