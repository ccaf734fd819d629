import Foundation
import MeshTestSupport
import Testing

/// `mesh-top run` stopped as an operator or a service manager stops it: SIGTERM lets the request
/// in flight finish and refuses new ones; a second SIGTERM ends it at once.
@Suite struct GracefulStopCommandTests {
    final class RunningMesh {
        let process = Process()
        let listen = Executable.freePort()
        let backend = Executable.freePort()
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("graceful-\(UUID().uuidString)")
        var log: URL { directory.appendingPathComponent("requests.log") }
        let stderr = Pipe()

        init() throws {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            let fixture = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/slow_backend.py")
            try """
                admin: 127.0.0.1:\(Executable.freePort())
                services:
                  - name: web
                    listen: 127.0.0.1:\(listen)
                    health: {type: none}
                    drain_timeout: 60s
                    endpoints:
                      - {id: web-1, address: 127.0.0.1:\(backend), command: "python3 \(fixture.path) \(backend) \(log.path)"}
                """.write(to: directory.appendingPathComponent("mesh.yaml"), atomically: true, encoding: .utf8)
            process.executableURL = try Executable("mesh-top").url
            process.arguments = ["run", "--config", "mesh.yaml", "--headless"]
            process.currentDirectoryURL = directory
            process.standardOutput = FileHandle.nullDevice
            process.standardError = stderr
            try process.run()
            try waitFor("the listener and the backend") { Executable.connects(port: listen) && Executable.connects(port: backend) }
        }

        func waitFor(_ what: String, _ condition: () -> Bool) throws {
            let deadline = Date().addingTimeInterval(20)
            while !condition() {
                guard Date() < deadline else { throw CocoaError(.fileReadUnknown, userInfo: [NSLocalizedDescriptionKey: "waited in vain for \(what)"]) }
                usleep(50_000)
            }
        }

        var requestsSeen: String { (try? String(contentsOf: log, encoding: .utf8)) ?? "" }

        func exit() -> (status: Int32, stderr: String) {
            process.waitUntilExit()
            return (process.terminationStatus, String(decoding: stderr.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self))
        }
    }

    @Test func sigtermAnswersTheRequestInFlightThenExits() throws {
        let mesh = try RunningMesh()
        let port = mesh.listen
        let answer = Answer()
        let client = Thread { answer.set(Result { try RawClient.get(port, "/held", timeout: 60) }) }
        client.start()
        try mesh.waitFor("the request to reach the backend") { mesh.requestsSeen.contains("/held") }
        kill(mesh.process.processIdentifier, SIGTERM)
        try mesh.waitFor("the listener to close") { !Executable.connects(port: port) }
        // Only now does the backend answer: the stop has begun with the request in flight.
        FileManager.default.createFile(atPath: mesh.log.path + ".release", contents: nil)
        try mesh.waitFor("the answer") { answer.value != nil }
        let response = try #require(try answer.value?.get())
        #expect(response.status == 200 && response.body == "done /held\n")
        #expect(response.header("connection") == "close")
        let (status, stderr) = mesh.exit()
        #expect(status == 0, "\(stderr)")
        #expect(stderr.contains("finishing 1 connection in flight"))
    }

    @Test func aSecondSignalStopsAtOnce() throws {
        let mesh = try RunningMesh()
        let port = mesh.listen
        let answer = Answer()
        let client = Thread { answer.set(Result { try RawClient.get(port, "/hang", timeout: 60) }) }
        client.start()
        try mesh.waitFor("the request to reach the backend") { mesh.requestsSeen.contains("/hang") }
        kill(mesh.process.processIdentifier, SIGTERM)
        try mesh.waitFor("the listener to close") { !Executable.connects(port: port) }
        kill(mesh.process.processIdentifier, SIGTERM)
        // Well before drain_timeout (60 s): the hard stop, not the end of the wait.
        try mesh.waitFor("mesh-top to exit") { !mesh.process.isRunning }
        try mesh.waitFor("the client to see the close") { answer.value != nil }
        #expect(throws: (any Error).self) { try answer.value?.get() }
        // The supervised backend went with it.
        try mesh.waitFor("the backend to stop") { !Executable.connects(port: mesh.backend) }
    }
}

/// A value set by another thread.
final class Answer: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: Result<RawClient.Response, any Error>?
    var value: Result<RawClient.Response, any Error>? { lock.withLock { stored } }
    func set(_ value: Result<RawClient.Response, any Error>) { lock.withLock { stored = value } }
}
