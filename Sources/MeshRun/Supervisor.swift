public import Foundation
public import MeshCore

/// Starts, kills (SIGKILL, for real) and restarts the processes of supervised endpoints
/// (`command:` in mesh.yaml). Their output goes to a log file per endpoint, never the terminal.
public final class Supervisor: @unchecked Sendable {
    /// Where each endpoint's output goes: `<logDirectory>/<service>.<endpoint>.log`.
    public let logDirectory: URL
    /// An endpoint's process ended on its own (not by `kill`): (endpoint, exit status).
    public var onExit: (@Sendable (EndpointRef, Int32) -> Void)?

    private let lock = NSLock()
    private var commands: [EndpointRef: String] = [:]
    private var running: [EndpointRef: Process] = [:]

    public init(logDirectory: URL) {
        self.logDirectory = logDirectory
    }

    /// Remembers how to start an endpoint and starts it.
    public func supervise(_ ref: EndpointRef, command: String) throws {
        lock.withLock { commands[ref] = command }
        try start(ref)
    }

    public func isRunning(_ ref: EndpointRef) -> Bool { lock.withLock { running[ref]?.isRunning ?? false } }

    public func pid(_ ref: EndpointRef) -> Int32? { lock.withLock { running[ref].map(\.processIdentifier) } }

    public func logFile(_ ref: EndpointRef) -> URL {
        logDirectory.appendingPathComponent("\(ref.service).\(ref.endpoint).log")
    }

    /// Starts the endpoint's process unless it runs already.
    public func start(_ ref: EndpointRef) throws {
        guard let command = lock.withLock({ commands[ref] }), !isRunning(ref) else { return }
        try FileManager.default.createDirectory(at: logDirectory, withIntermediateDirectories: true)
        let log = logFile(ref)
        if !FileManager.default.fileExists(atPath: log.path) { FileManager.default.createFile(atPath: log.path, contents: nil) }
        let output = try FileHandle(forWritingTo: log)
        output.seekToEndOfFile()
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        // `exec` so that the PID is the command itself and SIGKILL reaches it, not a shell.
        process.arguments = ["-c", "exec \(command)"]
        process.standardOutput = output
        process.standardError = output
        process.standardInput = FileHandle.nullDevice
        process.terminationHandler = { [weak self] p in
            try? output.close()
            guard let self else { return }
            let killed = self.lock.withLock { () -> Bool in
                guard self.running[ref] === p else { return true }
                self.running[ref] = nil
                return false
            }
            if !killed { self.onExit?(ref, p.terminationStatus) }
        }
        do {
            try process.run()
        } catch {
            try? output.close()
            throw SupervisorError("\(ref): cannot start '\(command)': \(error.localizedDescription)")
        }
        lock.withLock { running[ref] = process }
    }

    /// SIGKILL, and wait until it is gone.
    public func kill(_ ref: EndpointRef) {
        guard let process = lock.withLock({ running.removeValue(forKey: ref) }) else { return }
        Foundation.kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    /// Kills every process (on exit).
    public func stopAll() {
        for ref in lock.withLock({ Array(running.keys) }) { kill(ref) }
    }
}

/// A supervised process that could not be started: one line.
public struct SupervisorError: Error, CustomStringConvertible, Sendable {
    public var description: String
    public init(_ message: String) { description = message }
}
