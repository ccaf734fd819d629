@preconcurrency import Dispatch
import Glibc
import NIOConcurrencyHelpers

/// Lines to a file or a pipe that arrive within `flushInterval` of being written, without a
/// system call per line: the headless event stream, access logs, mesh-top's own log.
///
/// Writers on any thread append whole lines under a lock (so lines from several threads never
/// interleave); a timer writes out what has gathered every `flushInterval`, and a full buffer
/// goes out at once. A crash or SIGKILL loses at most the last `flushInterval` of lines. This is
/// Envoy's access-log model (a buffer flushed by a timer, `file_flush_interval_msec`, or when
/// full), with a shorter interval because `| jq` readers follow the stream live.
///
/// `@unchecked Sendable` only for `timer` (a Dispatch source, which is thread-safe but not
/// marked `Sendable`), set once in init; everything that changes is behind a lock box.
public final class LineWriter: @unchecked Sendable {
    /// How long a line may wait in the buffer.
    public static let flushInterval = 0.05
    /// A buffer this full is written at once, by the thread that filled it.
    public static let bufferLimit = 64 * 1024

    private struct State {
        var buffer: [UInt8] = []
        /// After a failed write: nothing more is taken.
        var closed = false
        /// The first write error (a full disk, a reader gone); later lines are dropped.
        var failure: Int32?
        /// Told once, on the first write error.
        var onFailure: (@Sendable () -> Void)?
    }

    /// Where the lines go: a path, or "standard output".
    public let name: String
    private let fd: Int32
    private let ownsDescriptor: Bool
    private let state = NIOLockedValueBox(State())
    /// Held across a flush.
    private let writing = NIOLockedValueBox(())
    // Set once in init; Dispatch sources are thread-safe.
    private let timer: any DispatchSourceTimer

    /// Opens (creating, appending to) `path`. Throws one line naming the file.
    public convenience init(path: String) throws(LineWriterError) {
        let fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw LineWriterError(path: path, errno: errno) }
        self.init(fd: fd, name: path, owns: true)
    }

    private init(fd: Int32, name: String, owns: Bool) {
        self.fd = fd
        self.name = name
        ownsDescriptor = owns
        timer = DispatchSource.makeTimerSource(queue: LineWriter.queue)
        timer.schedule(deadline: .now() + Self.flushInterval, repeating: Self.flushInterval, leeway: .milliseconds(5))
        timer.setEventHandler { [weak self] in self?.flush() }
        timer.resume()
        Self.registry.withLockedValue { $0[ObjectIdentifier(self)] = Weak(writer: self) }
    }

    deinit {
        Self.registry.withLockedValue { $0[ObjectIdentifier(self)] = nil }
        timer.cancel()
        flush()
        if ownsDescriptor { _ = Glibc.close(fd) }
    }

    /// Standard output, shared by everything that writes lines there (the event stream and
    /// `access_log: -`), so their lines never cut into each other.
    public static let standardOutput = LineWriter(fd: STDOUT_FILENO, name: "standard output", owns: false)

    /// Writes out every writer's lines: on the way out, where no timer fires again.
    public static func flushAll() {
        for writer in registry.withLockedValue({ $0.values.compactMap(\.writer) }) { writer.flush() }
    }

    private struct Weak { weak var writer: LineWriter? }
    private static let registry = NIOLockedValueBox<[ObjectIdentifier: Weak]>([:])

    /// One timer queue for every writer.
    private static let queue = DispatchQueue(label: "mesh-top.output")

    /// Appends bytes that end with a newline (or several whole lines).
    public func write(_ bytes: UnsafeRawBufferPointer) {
        let full = state.withLockedValue { s -> Bool in
            guard !s.closed else { return false }
            s.buffer.append(contentsOf: bytes.bindMemory(to: UInt8.self))
            return s.buffer.count >= Self.bufferLimit
        }
        if full { flush() }
    }

    public func write(_ line: String) {
        var line = line
        line.withUTF8 { write(UnsafeRawBufferPointer($0)) }
    }

    /// Writes out what has gathered now.
    public func flush() {
        // Taken and written under `writing`, so that a buffer taken first goes out first;
        // writers only wait for `state`, never for the disk or the pipe.
        writing.withLockedValue { _ in
            let pending = state.withLockedValue { s -> [UInt8]? in
                guard !s.buffer.isEmpty else { return nil }
                defer { s.buffer.removeAll(keepingCapacity: true) }
                return s.buffer
            }
            if let pending { put(pending) }
        }
    }

    /// `body` is called once, from whichever thread writes, when a write first fails (a
    /// reader that went away: `mesh-top demo --headless | head -1`).
    public func whenFailed(_ body: @escaping @Sendable () -> Void) {
        state.withLockedValue { $0.onFailure = body }
    }

    /// The first write error, as one line; nil while all went out.
    public var failure: String? {
        state.withLockedValue { $0.failure }.map { "\(name): write failed: \(String(cString: strerror($0)))" }
    }

    /// Whether the first write error was EPIPE: the pipe's reader went away.
    public var readerGone: Bool { state.withLockedValue { $0.failure } == EPIPE }

    /// Writes `bytes` whole (a write to a pipe may take only part). A failed write closes the
    /// writer: what follows is dropped, and `failure` says why.
    private func put(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let n = Glibc.write(fd, raw.baseAddress! + offset, raw.count - offset)
                if n > 0 { offset += n; continue }
                if n < 0, errno == EINTR { continue }
                let code = n == 0 ? EIO : errno
                let tell = state.withLockedValue { s -> (@Sendable () -> Void)? in
                    if s.failure == nil { s.failure = code }
                    s.closed = true
                    s.buffer.removeAll()
                    defer { s.onFailure = nil }
                    return s.onFailure
                }
                tell?()
                return
            }
        }
    }
}

/// A log file or access log that cannot be opened: one line naming it.
public struct LineWriterError: Error, CustomStringConvertible, Sendable {
    public var path: String
    public var errno: Int32
    public var description: String { "\(path): cannot write: \(String(cString: strerror(errno)))" }
}
