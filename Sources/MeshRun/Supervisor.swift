public import Foundation
public import Logging
public import MeshCore
import NIOConcurrencyHelpers

/// Starts, kills (SIGKILL, for real) and restarts the processes of supervised endpoints
/// (`command:` in mesh.yaml). Each runs in a process group of its own, so a kill reaches the
/// children a shell command may have started too. Output goes to a log file per endpoint,
/// never the terminal. They never outlive mesh-top: `stopAll` on the way out, SIGKILL to every
/// group from the crash and hard-stop handlers, and PR_SET_PDEATHSIG if mesh-top is killed
/// outright (see `ChildProcesses`).
public final class Supervisor: Sendable {
    /// Where each endpoint's output goes: `<logDirectory>/<service>.<endpoint>.log`.
    public let logDirectory: URL
    /// How long `stopAll` lets processes end on SIGTERM before SIGKILL.
    public static let stopGrace = 1.0

    private struct State {
        var commands: [EndpointRef: String] = [:]
        /// Added to mesh-top's own environment (the TLS files of `tls: auto`).
        var environments: [EndpointRef: [String: String]] = [:]
        var running: [EndpointRef: pid_t] = [:]
        var onExit: (@Sendable (EndpointRef, Int32) -> Void)?
    }

    private let state = NIOLockedValueBox(State())
    private let children = ChildProcesses()
    private let logger: Logger

    /// An endpoint's process ended on its own (not by `kill`): (endpoint, exit status).
    public var onExit: (@Sendable (EndpointRef, Int32) -> Void)? {
        get { state.withLockedValue { $0.onExit } }
        set { state.withLockedValue { $0.onExit = newValue } }
    }

    public init(logDirectory: URL, logger: Logger = Logger(label: "mesh-top", factory: { _ in SwiftLogNoOpLogHandler() })) {
        self.logDirectory = logDirectory
        self.logger = logger
        children.onExit = { [weak self] pid, status in self?.exited(pid, status: status) }
    }

    deinit { children.stop() }

    /// Remembers how to start an endpoint and starts it, with `environment` added to mesh-top's
    /// own (the TLS files of `tls: auto`).
    public func supervise(_ ref: EndpointRef, command: String, environment: [String: String] = [:]) throws {
        state.withLockedValue {
            $0.commands[ref] = command
            $0.environments[ref] = environment
        }
        try start(ref)
    }

    public func isRunning(_ ref: EndpointRef) -> Bool { pid(ref) != nil }

    public func pid(_ ref: EndpointRef) -> Int32? { state.withLockedValue { $0.running[ref] } }

    public func logFile(_ ref: EndpointRef) -> URL {
        logDirectory.appendingPathComponent("\(ref.service).\(ref.endpoint).log")
    }

    /// Starts the endpoint's process unless it runs already.
    public func start(_ ref: EndpointRef) throws {
        guard let (command, environment) = state.withLockedValue({ s in s.commands[ref].map { ($0, s.environments[ref] ?? [:]) } }),
              !isRunning(ref) else { return }
        try FileManager.default.createDirectory(at: logDirectory, withIntermediateDirectories: true)
        let log = open(logFile(ref).path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
        guard log >= 0 else { throw SupervisorError("\(ref): cannot open \(logFile(ref).path): \(String(cString: strerror(errno)))") }
        defer { close(log) }
        do {
            let exports = environment.sorted { $0.key < $1.key }
                .map { "export \($0.key)='\($0.value.replacingOccurrences(of: "'", with: "'\\''"))'; " }.joined()
            let pid = try children.spawn(["/bin/sh", "-c", exports + "exec \(command)"], logFD: log) { pid in
                self.state.withLockedValue { $0.running[ref] = pid }
            }
            logger.info("\(ref): started `\(command)` as process \(pid), output to \(logFile(ref).path)")
        } catch {
            throw SupervisorError("\(ref): \(error)")
        }
    }

    /// Reports a process that ended unless `kill` ended it.
    private func exited(_ pid: pid_t, status: Int32) {
        let (ref, onExit) = state.withLockedValue { s -> (EndpointRef?, (@Sendable (EndpointRef, Int32) -> Void)?) in
            guard let ref = s.running.first(where: { $0.value == pid })?.key else { return (nil, nil) }
            s.running[ref] = nil
            return (ref, s.onExit)
        }
        // Exit status, or 128 + signal as shells report it.
        let code = (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
        if let ref { onExit?(ref, code) }
    }

    /// SIGKILL to the endpoint's process group.
    public func kill(_ ref: EndpointRef) {
        guard let pid = state.withLockedValue({ $0.running.removeValue(forKey: ref) }) else { return }
        Foundation.kill(-pid, SIGKILL)
    }

    /// Stops every process (on exit): SIGTERM to each group, SIGKILL to what is left after
    /// `stopGrace`, as HAProxy's master does with its workers.
    public func stopAll() {
        let pids = state.withLockedValue { s -> [pid_t] in
            defer { s.running.removeAll() }
            return Array(s.running.values)
        }
        for pid in pids { Foundation.kill(-pid, SIGTERM) }
        let deadline = Date().addingTimeInterval(Self.stopGrace)
        var left = pids
        while !left.isEmpty, Date() < deadline {
            usleep(10_000)
            left.removeAll { Foundation.kill(-$0, 0) != 0 }
        }
        for pid in left { Foundation.kill(-pid, SIGKILL) }
    }
}

/// A supervised process that could not be started: one line.
public struct SupervisorError: Error, CustomStringConvertible, Sendable {
    public var description: String
    public init(_ message: String) { description = message }
}
