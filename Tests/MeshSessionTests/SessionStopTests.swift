import Foundation
import MeshConfig
import MeshCore
import MeshSim
import Testing
@testable import MeshSession

/// Every wait has an exit: the runner takes commands between slices of bounded work, whatever
/// the playback asks for, and a session past its recording's end ends.
@Suite struct SessionStopTests {
    /// As much traffic as a scenario may have: a million requests a second over 200 endpoints.
    static func heavy() throws -> Scenario {
        let endpoints = (1...200).map { "      - {id: e\($0), latency: {p50: 5ms, p99: 20ms}}" }.joined(separator: "\n")
        return try Scenario.parse(yaml: """
            name: heavy
            services:
              - name: web
                health: {interval: 10ms}
                endpoints:
            \(endpoints)
            traffic:
              - {service: web, rps: 1000000}
            """, file: "heavy.yaml")
    }

    /// Runs `runner` on a thread; true when it returned within `seconds` of `.stop`.
    func stops(_ runner: SessionRunner, after delay: Double, within seconds: Double) -> Bool {
        let session = runner.start()
        Thread.sleep(forTimeInterval: delay)
        session.submit(.stop)
        let returned = DispatchSemaphore(value: 0)
        Thread { session.waitUntilStopped(); returned.signal() }.start()
        return returned.wait(timeout: .now() + seconds) == .success
    }

    @Test func aStopIsTakenWhileTheSimulatorIsFarBehind() throws {
        // Ten thousand mesh seconds per wall second of a million requests each: one call to
        // reach where the pacer is would be hours of work.
        let runner = SessionRunner(playback: DemoPlayback(scenario: try Self.heavy()), speed: 10_000, stopAtEnd: false)
        #expect(stops(runner, after: 0.5, within: 30))
    }

    @Test func aStopIsTakenDuringALongSeek() throws {
        let playback = DemoPlayback(scenario: try Self.heavy())
        playback.advance(to: 0.5)
        let runner = SessionRunner(playback: playback, speed: 1, stopAtEnd: false)
        // Ahead by a day at a million requests a second: the catch-up is cut into slices.
        runner.submit(.seek(by: 86_400))
        #expect(stops(runner, after: 0.5, within: 30))
        #expect(playback.now < 86_400)
    }

    @Test func aSeekBackReplaysQuietlyAndLandsWhereAsked() throws {
        let scenario = try Scenario.load(path: RecordingTests.scenarioPath)
        let seen = LockedEvents()
        let playback = DemoPlayback(scenario: scenario) { seen.add($0) }
        playback.advance(to: 30)
        let before = seen.count
        #expect(playback.seek(to: 10) == nil)
        // Not there yet: the slices of advance take it there, without repeating the past.
        playback.advance(to: 10, maxEvents: 50)
        #expect(playback.now < 10)
        while playback.now < 10 { playback.advance(to: 10, maxEvents: 500) }
        #expect(seen.count == before, "the past was not passed on a second time")
        playback.advance(to: 12)
        #expect(seen.count > before && seen.last.map { $0.t > 10 } == true)
    }

    @Test func aDurationPastTheRecordingsEndEndsAtTheEnd() throws {
        let path = RecordingTests().temp("short-\(UUID().uuidString).jsonl")
        _ = try RecordingTests().record(to: path, until: 10)
        let recording = try Recording.load(path: path)
        let playback = ReplayPlayback(recording: recording)
        let runner = SessionRunner(playback: playback, speed: nil, duration: 1e6, stopAtEnd: true)
        let session = runner.start()
        let done = DispatchSemaphore(value: 0)
        Thread { session.waitUntilStopped(); done.signal() }.start()
        #expect(done.wait(timeout: .now() + 30) == .success, "ended with the recording")
        #expect(session.snapshot().finished)
        if done.wait(timeout: .now()) != .success { session.submit(.stop) }
    }
}

final class LockedEvents: @unchecked Sendable {
    private let lock = NSLock()
    private var events: [MeshEvent] = []
    func add(_ e: MeshEvent) { lock.withLock { events.append(e) } }
    var count: Int { lock.withLock { events.count } }
    var last: MeshEvent? { lock.withLock { events.last } }
}
