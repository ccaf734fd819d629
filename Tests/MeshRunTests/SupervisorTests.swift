import Foundation
import MeshCore
import Testing
@testable import MeshRun

@Suite struct SupervisorTests {
    let logs = FileManager.default.temporaryDirectory.appendingPathComponent("supervisor-\(UUID().uuidString)")
    let ref = EndpointRef(service: "web", endpoint: "web-1")

    @Test func startsKillsForRealAndRestarts() throws {
        let supervisor = Supervisor(logDirectory: logs)
        try supervisor.supervise(ref, command: "sh -c 'echo started; sleep 30'")
        let pid = try #require(supervisor.pid(ref))
        #expect(Foundation.kill(pid, 0) == 0)
        supervisor.kill(ref)
        // SIGKILL: the process is gone (kill(pid, 0) fails with ESRCH).
        #expect(Foundation.kill(pid, 0) == -1)
        #expect(!supervisor.isRunning(ref))
        try supervisor.start(ref)
        let second = try #require(supervisor.pid(ref))
        #expect(second != pid)
        supervisor.stopAll()
        let log = try String(contentsOf: supervisor.logFile(ref), encoding: .utf8)
        #expect(log.components(separatedBy: "started").count - 1 == 2)
    }

    @Test func reportsAProcessThatExitsOnItsOwn() throws {
        let supervisor = Supervisor(logDirectory: logs)
        let exited = DispatchSemaphore(value: 0)
        let status = LockedBox<Int32>(-1)
        supervisor.onExit = { _, code in status.value = code; exited.signal() }
        try supervisor.supervise(ref, command: "sh -c 'exit 3'")
        #expect(exited.wait(timeout: .now() + 5) == .success)
        #expect(status.value == 3)
    }
}

final class LockedBox<T>: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: T
    init(_ value: T) { stored = value }
    var value: T {
        get { lock.withLock { stored } }
        set { lock.withLock { stored = newValue } }
    }
}
