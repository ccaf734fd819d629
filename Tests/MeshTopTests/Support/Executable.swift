import Foundation

/// Runs a built product of this package (`mesh-top`) the way a user would, capturing its output.
struct Executable {
    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    let url: URL

    /// Finds `name` in the build directory that holds this test bundle (`.build/<triple>/debug`).
    init(_ name: String) throws {
        var candidates: [URL] = []
        for start in [URL(fileURLWithPath: CommandLine.arguments[0]), Bundle.main.bundleURL, Bundle.main.executableURL].compactMap({ $0 }) {
            var dir = start.resolvingSymlinksInPath()
            for _ in 0..<4 {
                dir = dir.deletingLastPathComponent()
                candidates.append(dir.appendingPathComponent(name))
            }
        }
        guard let found = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0.path) }) else {
            throw CocoaError(.fileNoSuchFile, userInfo: [NSFilePathErrorKey: name,
                NSLocalizedDescriptionKey: "\(name) not built next to the tests; looked in \(candidates.map(\.path))"])
        }
        url = found
    }

    /// Runs any program (python3 with a client library, say) the same way.
    static func runAny(_ path: String, _ arguments: [String]) throws -> Result {
        try Executable(url: URL(fileURLWithPath: path)).run(arguments)
    }

    init(url: URL) { self.url = url }

    /// Runs with `arguments` in `directory` (with `environment` added to ours), waits, and
    /// returns the exit status and both streams.
    func run(_ arguments: [String], in directory: URL? = nil, environment: [String: String] = [:]) throws -> Result {
        let process = Process()
        process.executableURL = url
        process.arguments = arguments
        if !environment.isEmpty {
            process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
        }
        if let directory { process.currentDirectoryURL = directory }
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        // Read before waiting so that a full pipe cannot block the child.
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Result(status: process.terminationStatus,
                      stdout: String(decoding: stdout, as: UTF8.self), stderr: String(decoding: stderr, as: UTF8.self))
    }
}
