import Foundation
import MeshTestSupport

/// The real binary serving its admin and Consul API: `mesh-top run` over a mesh.yaml written
/// for the test (its admin address filled in), or a headless demo. Its stdout (the events, as
/// JSON lines) goes to a file; `stop()` is Ctrl-C. Its state is set up once, then only read.
final class RunningMesh: @unchecked Sendable {
    let process = Process()
    let admin = Executable.freePort()
    let directory: URL
    let output: URL

    /// `yaml` without `admin:` (added here); `arguments` after the command's own.
    init(run yaml: String, token: String? = nil, arguments: [String] = []) throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("consul-\(UUID().uuidString)")
        output = directory.appendingPathComponent("events.jsonl")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let head = "admin: 127.0.0.1:\(admin)\n" + (token.map { "token: \($0)\n" } ?? "")
        try (head + yaml).write(to: directory.appendingPathComponent("mesh.yaml"), atomically: true, encoding: .utf8)
        try start(["run", "--config", "mesh.yaml", "--headless"] + arguments)
    }

    /// The built-in demo at `speed`, so that mesh time (TTLs, deregistration delays) runs fast.
    init(demoAtSpeed speed: Int) throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("consul-demo-\(UUID().uuidString)")
        output = directory.appendingPathComponent("events.jsonl")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try start(["demo", "--headless", "--admin", "127.0.0.1:\(admin)", "--speed", String(speed), "--duration", "1h"])
    }

    private func start(_ arguments: [String]) throws {
        process.executableURL = try Executable("mesh-top").url
        process.arguments = arguments
        process.currentDirectoryURL = directory
        _ = FileManager.default.createFile(atPath: output.path, contents: nil)
        process.standardOutput = try FileHandle(forWritingTo: output)
        let errors = directory.appendingPathComponent("stderr.txt")
        _ = FileManager.default.createFile(atPath: errors.path, contents: nil)
        process.standardError = try FileHandle(forWritingTo: errors)
        try process.run()
        let deadline = Date().addingTimeInterval(30)
        while !Executable.connects(port: admin), Date() < deadline, process.isRunning { usleep(50_000) }
        guard Executable.connects(port: admin) else {
            throw StartError(description: "mesh-top did not start: " + ((try? String(contentsOf: errors, encoding: .utf8)) ?? ""))
        }
    }

    struct StartError: Error, CustomStringConvertible { var description: String }

    /// Ctrl-C; the exit status.
    @discardableResult
    func stop() -> Int32 {
        if process.isRunning { process.interrupt() }
        process.waitUntilExit()
        return process.terminationStatus
    }

    var events: String { (try? String(contentsOf: output, encoding: .utf8)) ?? "" }

    /// Whether one event line holds every one of `parts`.
    func hasEvent(_ parts: String...) -> Bool {
        events.split(separator: "\n").contains { line in parts.allSatisfy { line.contains($0) } }
    }

    /// One request on a fresh connection; `body` makes it a PUT unless `method` says otherwise.
    func http(_ method: String = "GET", _ path: String, body: String? = nil, headers: String = "", timeout: Double = 10) throws -> RawClient.Response {
        let client = try RawClient(port: admin, timeout: timeout)
        let payload = body ?? ""
        client.send("\(method) \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\n\(headers)Content-Length: \(payload.utf8.count)\r\n\r\n\(payload)")
        return try client.readResponse()
    }

    /// Polls until `condition` holds or `seconds` pass (generous: the machine may be loaded).
    func waitFor(_ seconds: Double = 20, _ condition: () throws -> Bool) rethrows -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if try condition() { return true }
            usleep(100_000)
        }
        return try condition()
    }
}
