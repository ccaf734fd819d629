public import Foundation
public import MeshCore

/// Headless output: one JSON object per line on stdout for every event (a recording's line),
/// and a summary of what happened for the end.
public final class EventPrinter {
    private let encoder: JSONEncoder
    private let output: UnsafeMutablePointer<FILE>
    public private(set) var summary = RunSummary()

    /// Writes to `output`, or to standard output (its own buffered stream on fd 1).
    public init(output: UnsafeMutablePointer<FILE>? = nil) {
        self.output = output ?? fdopen(STDOUT_FILENO, "w")
        encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    }

    public func print(_ event: MeshEvent) {
        summary.count(event)
        guard var data = try? encoder.encode(event) else { return }
        data.append(0x0A)
        _ = data.withUnsafeBytes { fwrite($0.baseAddress, 1, $0.count, output) }
    }

    public func flush() { fflush(output) }
}
