import Foundation
import Testing
import MeshConfig
import MeshCore
import MeshSim
@testable import MeshSession

@Suite struct RecordingTests {
    static let scenarioPath = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("demo/zone-outage.yaml").path

    func temp(_ name: String) -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("mesh-top-tests-\(getpid())")
        try? FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir.appendingPathComponent(name).path
    }

    /// Runs the zone-outage scenario to `end` at max speed, recording to `path`; returns the events.
    func record(to path: String, until end: Double = 90) throws -> [MeshEvent] {
        let scenario = try Scenario.load(path: Self.scenarioPath)
        let writer = try RecordingWriter(path: path, header: RecordingHeader(
            source: "demo", started: RecordingWriter.timestamp(), mesh: Simulator.mesh(of: scenario)))
        var events: [MeshEvent] = []
        let playback = DemoPlayback(scenario: scenario, isRecording: true) { event in
            events.append(event)
            try? writer.write(event)
        }
        let runner = SessionRunner(playback: playback, speed: nil, duration: end, stopAtEnd: true)
        runner.run()
        return events
    }

    func stateChanges(_ events: [MeshEvent]) -> [StateChange] {
        events.compactMap { if case .endpointState(let c) = $0.body { c } else { nil } }
    }

    @Test func replayReproducesTheSameSequenceOfStates() throws {
        let path = temp("roundtrip.jsonl")
        let live = try record(to: path)
        let recording = try Recording.load(path: path)
        #expect(recording.truncatedAtLine == nil)
        #expect(recording.events == live)
        #expect(stateChanges(live).contains { $0.to == .unhealthy })

        // Replayed through the read model, every intermediate state matches the live run's.
        var replayed: [EndpointState] = []
        let playback = ReplayPlayback(recording: recording) { event in
            if case .endpointState(let c) = event.body { replayed.append(c.to) }
        }
        playback.advance(to: 1000)
        #expect(replayed == stateChanges(live).map(\.to))
        var liveFinal = recording.header.mesh
        for event in live { liveFinal.apply(event) }
        #expect(playback.state.services == liveFinal.services)
    }

    @Test func seekLandsOnTheSameStateAsPlayingThrough() throws {
        let path = temp("seek.jsonl")
        _ = try record(to: path)
        let recording = try Recording.load(path: path)
        for target in [0.5, 23.0, 47.3, 61.0, 89.0] {
            var played = recording.cursor
            played.advance(to: target)
            var sought = recording.cursor
            sought.advance(to: 80)
            sought.seek(to: target)
            #expect(sought.state.services == played.state.services, "at \(target)")
            #expect(sought.state.log == played.state.log, "log at \(target)")
        }
    }

    @Test func cutOffLastLinePlaysEverythingBefore() throws {
        let path = temp("cut.jsonl")
        _ = try record(to: path, until: 30)
        var data = try Data(contentsOf: URL(fileURLWithPath: path))
        let whole = try Recording.load(path: path)
        data.removeLast(25)
        try data.write(to: URL(fileURLWithPath: path))
        let cut = try Recording.load(path: path)
        #expect(cut.truncatedAtLine == whole.events.count + 1)
        #expect(cut.events == Array(whole.events.dropLast()))
    }

    @Test func notARecordingIsRefusedWithTheFileName() throws {
        let path = temp("not.jsonl")
        try Data("name: hello\n".utf8).write(to: URL(fileURLWithPath: path))
        #expect(throws: RecordingError.self) { try Recording.load(path: path) }
        do { _ = try Recording.load(path: path) } catch {
            #expect(error.description.hasPrefix(path + ":1: not a mesh-top recording"))
        }
        #expect(throws: RecordingError.self) { try Recording.load(path: temp("missing.jsonl")) }
    }

    @Test func damagedMiddleLineNamesTheLine() throws {
        let path = temp("damaged.jsonl")
        _ = try record(to: path, until: 10)
        var lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false)
        lines[3] = "{\"t\": oops"
        try lines.joined(separator: "\n").write(toFile: path, atomically: true, encoding: .utf8)
        do {
            _ = try Recording.load(path: path)
            Issue.record("damaged file loaded")
        } catch {
            #expect(error.line == 4)
        }
    }
}
