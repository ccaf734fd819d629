public import ArgumentParser
import Foundation
public import Logging
import MeshOutput
import NIOConcurrencyHelpers

/// `--log FILE --log-level L`: where mesh-top's own log goes (what went wrong while the
/// dashboard owned the terminal: webhooks, supervised processes, etcd, listeners).
struct LogOptions: ParsableArguments {
    @Option(help: ArgumentHelp("mesh-top's own log. Default: stderr with --headless, else .mesh-top/logs/mesh-top.log beside the config (or in the current directory), created at the first line.",
                               valueName: "file"), completion: .file())
    var log: String?

    @Option(help: ArgumentHelp("The least severe level logged.", valueName: "level"))
    var logLevel: Logger.Level = .info

    /// The logger for the session's libraries. `besides`: the directory whose `.mesh-top/logs`
    /// holds the default file. Throws one line when `--log` cannot be written.
    func logger(headless: Bool, besides directory: URL) throws -> Logger {
        let stream: (any TextOutputStream & Sendable)?
        if let log {
            stream = LogStream(try LazyLog(path: log, eager: true))
        } else if headless {
            stream = nil
        } else {
            let path = directory.appendingPathComponent(".mesh-top/logs/mesh-top.log").path
            stream = LogStream(try LazyLog(path: path, eager: false))
        }
        var logger = Logger(label: "mesh-top") { label in
            // swift-log's own handler (timestamp, level, label, metadata, source, message);
            // only the stream is ours: swift-log ships none for files.
            stream.map { StreamLogHandler(label: label, stream: $0) } ?? StreamLogHandler.standardError(label: label)
        }
        logger.logLevel = logLevel
        return logger
    }
}

extension Logger.Level: @retroactive ExpressibleByArgument {}

/// A TextOutputStream over a log file for `StreamLogHandler`.
struct LogStream: TextOutputStream, Sendable {
    let file: LazyLog
    init(_ file: LazyLog) { self.file = file }
    func write(_ string: String) { file.write(string) }
}

/// The log file, opened at the first line unless asked for at once: a dashboard session with
/// nothing to say leaves no file behind. A default file that cannot be written is given up
/// quietly (the dashboard owns the terminal); `--log FILE` fails at start with one line.
final class LazyLog: Sendable {
    private let path: String
    private let writer = NIOLockedValueBox<Result<LineWriter, LineWriterError>?>(nil)

    init(path: String, eager: Bool) throws {
        self.path = path
        if eager {
            let opened = Result { () throws(LineWriterError) in try Self.open(path) }
            writer.withLockedValue { $0 = opened }
            if case .failure(let error) = opened { throw CommandError("--log \(error)") }
        }
    }

    func write(_ line: String) {
        let writer = writer.withLockedValue { w -> LineWriter? in
            if w == nil { w = Result { () throws(LineWriterError) in try Self.open(path) } }
            return try? w?.get()
        }
        writer?.write(line)
    }

    private static func open(_ path: String) throws(LineWriterError) -> LineWriter {
        let directory = (path as NSString).deletingLastPathComponent
        if !directory.isEmpty {
            // A directory that cannot be made shows in the open's error below.
            try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        }
        return try LineWriter(path: path)
    }
}
