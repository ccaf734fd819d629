import Foundation
public import MeshCore
public import MeshOutput

/// Headless output: one JSON object per line on stdout for every event (a recording's line),
/// and a summary of what happened for the end. Lines reach the pipe or file within
/// `LineWriter.flushInterval` (the README promises 50 ms in real time); at `--speed max` they
/// go out in batches.
public final class EventPrinter {
    private let encoder: JSONEncoder
    private let output: LineWriter
    public private(set) var summary = RunSummary()

    /// Writes to `output`, or to standard output.
    public init(output: LineWriter = .standardOutput) {
        self.output = output
        encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    }

    public func print(_ event: MeshEvent) {
        summary.count(event)
        // Every event type encodes (the recorder writes the same lines); none is lost here.
        guard var data = try? encoder.encode(event) else { return }
        data.append(0x0A)
        data.withUnsafeBytes { output.write($0) }
    }

    public func flush() { output.flush() }

    /// `body` is called once when a line cannot be written (the reader went away).
    public func whenFailed(_ body: @escaping @Sendable () -> Void) { output.whenFailed(body) }

    /// The first write error, as one line.
    public var failure: String? { output.failure }

    /// Whether writing failed because the reader went away (EPIPE), rather than a full disk.
    public var readerGone: Bool { output.readerGone }
}
