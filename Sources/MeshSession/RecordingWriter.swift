public import Foundation
public import MeshCore

/// Writes a recording as JSON Lines, one flushed line per event, so a crash loses at most the
/// line being written; and, when it is done, its index beside it (`RecordingIndex`), so that
/// a replay opens it without reading it whole.
public final class RecordingWriter {
    private let file: UnsafeMutablePointer<FILE>
    private let encoder: JSONEncoder
    public let path: String
    /// Where the next line starts, its number, and the index so far (nil once a write failed).
    private var offset = 0, line = 1, start = 0
    private var headerHash = ""
    private var builder: RecordingIndex.Builder? = RecordingIndex.Builder()

    /// Creates (or truncates) `path` and writes the header line.
    public init(path: String, header: RecordingHeader) throws(RecordingError) {
        // Read as well as written: the index at close reads each keyframe line's first bytes back.
        guard let file = fopen(path, "w+") else {
            throw RecordingError(file: path, message: "cannot write: \(String(cString: strerror(errno)))")
        }
        self.file = file
        self.path = path
        encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        try write(header)
        start = offset
    }

    deinit {
        writeIndex()
        fclose(file)
    }

    public func write(_ event: MeshEvent) throws(RecordingError) {
        let start = offset
        try write(event as any Encodable)
        builder?.add(event, bytes: start..<offset - 1, line: line - 1)
    }

    private func write(_ value: any Encodable) throws(RecordingError) {
        do {
            var data = try encoder.encode(value)
            if line == 1 { headerHash = RecordingIndex.fingerprint(data) }
            data.append(0x0A)
            let written = data.withUnsafeBytes { fwrite($0.baseAddress, 1, $0.count, file) }
            guard written == data.count, fflush(file) == 0 else {
                builder = nil
                throw RecordingError(file: path, message: "write failed: \(String(cString: strerror(errno)))")
            }
            offset += data.count
            line += 1
        } catch let error as RecordingError {
            throw error
        } catch {
            throw RecordingError(file: path, message: "cannot encode event: \(error)")
        }
    }

    /// The index of everything written, stamped with the file's size and time as it is now;
    /// a recording that could not be written whole gets none (its first replay reads it whole).
    private func writeIndex() {
        guard let builder, let (size, modified) = RecordingIndex.stat(fileno(file)), size == offset else { return }
        try? builder.index(size: size, modified: modified, header: headerHash, start: start, end: size, cutOffLine: nil)
            .stampingHeads(from: fileno(file))?.write(for: path)
    }

    /// RFC 3339 for the header's `started`.
    public static func timestamp(_ date: Date = Date()) -> String {
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withInternetDateTime]
        return f.string(from: date)
    }
}
