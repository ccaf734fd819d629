import Foundation

/// `mesh-top` started in the background, to be signalled and waited for as a user would from
/// another terminal. Output goes to files (or, with `unreadStdout`, to a pipe nobody reads).
final class Background {
    let process = Process()
    let stdoutFile: URL
    let stderrFile: URL
    private let unreadPipe: Pipe?

    init(_ arguments: [String], in directory: URL? = nil, unreadStdout: Bool = false) throws {
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("bg-\(UUID().uuidString)")
        stdoutFile = base.appendingPathExtension("out")
        stderrFile = base.appendingPathExtension("err")
        _ = FileManager.default.createFile(atPath: stdoutFile.path, contents: nil)
        _ = FileManager.default.createFile(atPath: stderrFile.path, contents: nil)
        process.executableURL = try Executable("mesh-top").url
        process.arguments = arguments
        if let directory { process.currentDirectoryURL = directory }
        if unreadStdout {
            let pipe = Pipe()
            unreadPipe = pipe
            process.standardOutput = pipe
        } else {
            unreadPipe = nil
            process.standardOutput = try FileHandle(forWritingTo: stdoutFile)
        }
        process.standardError = try FileHandle(forWritingTo: stderrFile)
        try process.run()
    }

    deinit {
        if process.isRunning { kill(process.processIdentifier, SIGKILL); process.waitUntilExit() }
    }

    var pid: pid_t { process.processIdentifier }
    var stdout: String { (try? String(contentsOf: stdoutFile, encoding: .utf8)) ?? "" }
    var stderr: String { (try? String(contentsOf: stderrFile, encoding: .utf8)) ?? "" }

    func signal(_ sig: Int32) { kill(process.processIdentifier, sig) }

    /// The exit status (128 + n for a death by signal n), or nil if it still runs after `seconds`.
    func exitStatus(within seconds: Double) -> Int32? {
        let deadline = Date().addingTimeInterval(seconds)
        while process.isRunning, Date() < deadline { usleep(20_000) }
        guard !process.isRunning else { return nil }
        return process.terminationReason == .uncaughtSignal ? 128 + process.terminationStatus : process.terminationStatus
    }

    /// Polls until `condition` holds or `seconds` pass.
    static func waitUntil(_ seconds: Double, _ condition: () -> Bool) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while !condition() {
            guard Date() < deadline else { return false }
            usleep(20_000)
        }
        return true
    }

    /// Whether a thread of `pid` sleeps in write(2) to its stdout (`/proc/PID/task/TID/syscall`
    /// starts `1 0x1` on x86_64, the write system call on descriptor 1).
    static func stuckWriting(_ pid: pid_t) -> Bool {
        let tasks = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/task")) ?? []
        return tasks.contains { task in
            let call = (try? String(contentsOfFile: "/proc/\(pid)/task/\(task)/syscall", encoding: .utf8)) ?? ""
            return call.hasPrefix("1 0x1 ")
        }
    }

    /// Pids of processes whose command line contains `marker` (supervised children, say).
    static func processes(containing marker: String) -> [pid_t] {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return entries.compactMap { name -> pid_t? in
            guard let pid = pid_t(name),
                  let data = FileManager.default.contents(atPath: "/proc/\(name)/cmdline") else { return nil }
            let line = String(decoding: data.map { $0 == 0 ? 0x20 : $0 }, as: UTF8.self)
            // Zombies have an empty command line; a living process carries the marker.
            return line.contains(marker) ? pid : nil
        }
    }
}
