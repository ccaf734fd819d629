import Foundation
import MeshTestSupport
import Testing

/// The headless event stream reaches whoever reads it while mesh-top runs (the README: within
/// 50 ms in real time), not when it exits: a reader on a pipe, and a file that SIGKILL leaves behind.
/// Each session makes a few hundred bytes at most before the line the test waits for, far
/// below one stdio buffer, so a block-buffered stdout would show nothing at all.
@Suite struct EventStreamTests {
    @Test func aPipeReaderSeesADemoEventWhileTheDemoRuns() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("stream-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        // At a twentieth of real time the drain at 0.01 s comes after 0.2 s of wall time, and the
        // first sample (t = 1 s) 20 s later.
        let scenario = dir.appendingPathComponent("slow.yaml")
        try """
            name: slow
            services:
              - name: web
                endpoints:
                  - {id: web-1, latency: {p50: 5ms, p99: 20ms}}
                  - {id: web-2, latency: {p50: 5ms, p99: 20ms}}
            traffic:
              - {service: web, rps: 10}
            timeline:
              - {at: 10ms, action: drain, target: web/web-2}
            """.write(to: scenario, atomically: true, encoding: .utf8)
        let process = Process()
        process.executableURL = try Executable("mesh-top").url
        process.arguments = ["demo", scenario.path, "--headless", "--speed", "0.05", "--duration", "1h"]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        try process.run()
        defer {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
        let reader = PipeReader(pipe.fileHandleForReading)
        let line = reader.firstLine(within: 30) { $0.contains("\"operator\"") && $0.contains("web-2") }
        #expect(line != nil, "the drain reached the pipe; read so far: \(reader.text)")
        #expect(process.isRunning, "while the demo runs")
    }

    @Test func aRunsEventsAreInItsFileBeforeSIGKILL() throws {
        // No endpoint until one registers: the samples stay a few dozen bytes a second.
        let mesh = try RunningMesh(run: """
            services:
              - name: api
                health: {type: none}

            """)
        defer { mesh.stop() }
        let register = try mesh.http("PUT", "/v1/agent/service/register",
                                     body: #"{"Name": "api", "ID": "api-1", "Address": "127.0.0.1", "Port": 9}"#)
        #expect(register.status == 200)
        // Seen while the file is still shorter than one stdio buffer (4 KiB): written through,
        // not pushed out by a full buffer (that takes half a minute of samples here).
        var sizeWhenSeen = 0
        let arrived = mesh.waitFor(60) {
            let events = mesh.events
            sizeWhenSeen = events.utf8.count
            return events.contains("\"registry\"")
        }
        kill(mesh.process.processIdentifier, SIGKILL)
        mesh.process.waitUntilExit()
        #expect(arrived, "the registration reached the file while mesh-top ran: \(mesh.events)")
        #expect(sizeWhenSeen < 4096, "written through, not in a full buffer (\(sizeWhenSeen) bytes)")
        #expect(mesh.hasEvent("\"registry\"", "api-1"), "and is still there after SIGKILL")
    }
}

/// Reads a pipe on a thread of its own, as `| jq` would.
final class PipeReader: @unchecked Sendable {
    private let lock = NSLock()
    private var data = Data()

    init(_ handle: FileHandle) {
        let thread = Thread { [self] in
            while true {
                let chunk = handle.availableData
                if chunk.isEmpty { return }
                lock.withLock { data.append(chunk) }
            }
        }
        thread.start()
    }

    var text: String { lock.withLock { String(decoding: data, as: UTF8.self) } }

    /// The first complete line that matches, waiting up to `seconds` for it.
    func firstLine(within seconds: Double, where matches: (String) -> Bool) -> String? {
        let deadline = Date().addingTimeInterval(seconds)
        repeat {
            let lines = text.split(separator: "\n", omittingEmptySubsequences: true)
            let complete = text.hasSuffix("\n") ? lines : lines.dropLast()
            if let line = complete.first(where: { matches(String($0)) }) { return String(line) }
            usleep(20_000)
        } while Date() < deadline
        return nil
    }
}
