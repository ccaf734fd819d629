public import Foundation
public import MeshCore

/// Writes a recording as JSON Lines, one flushed line per event, so a crash loses at most the
/// line being written.
public final class RecordingWriter {
    private let file: UnsafeMutablePointer<FILE>
    private let encoder: JSONEncoder
    public let path: String

    /// Creates (or truncates) `path` and writes the header line.
    public init(path: String, header: RecordingHeader) throws(RecordingError) {
        guard let file = fopen(path, "w") else {
            throw RecordingError(file: path, message: "cannot write: \(String(cString: strerror(errno)))")
        }
        self.file = file
        self.path = path
        encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        try write(header)
    }

    deinit { fclose(file) }

    public func write(_ event: MeshEvent) throws(RecordingError) { try write(event as any Encodable) }

    private func write(_ value: any Encodable) throws(RecordingError) {
        do {
            var data = try encoder.encode(value)
            data.append(0x0A)
            let written = data.withUnsafeBytes { fwrite($0.baseAddress, 1, $0.count, file) }
            guard written == data.count, fflush(file) == 0 else {
                throw RecordingError(file: path, message: "write failed: \(String(cString: strerror(errno)))")
            }
        } catch let error as RecordingError {
            throw error
        } catch {
            throw RecordingError(file: path, message: "cannot encode event: \(error)")
        }
    }

    /// RFC 3339 for the header's `started`.
    public static func timestamp(_ date: Date = Date()) -> String {
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withInternetDateTime]
        return f.string(from: date)
    }
}
