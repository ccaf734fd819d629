public import Foundation
public import MeshCore
import MeshConfig

/// A recording read back: its header, its events, and whether the last line was cut off.
public struct Recording: Sendable {
    public var header: RecordingHeader
    public var events: [MeshEvent]
    /// The file ended in the middle of a line (a crash while writing): everything before it is kept.
    public var truncatedAtLine: Int?

    public init(header: RecordingHeader, events: [MeshEvent], truncatedAtLine: Int? = nil) {
        self.header = header; self.events = events; self.truncatedAtLine = truncatedAtLine
    }

    public var cursor: ReplayCursor { ReplayCursor(initial: header.mesh, events: events) }

    public static func load(path: String) throws(RecordingError) -> Recording {
        guard let data = FileManager.default.contents(atPath: path) else {
            let reason = FileManager.default.fileExists(atPath: path) ? "cannot read" : "no such file"
            throw RecordingError(file: path, message: reason)
        }
        return try parse(data, file: path)
    }

    /// Read by `RecordingReader`, the reader `validate` uses, so the two agree on every file.
    public static func parse(_ data: Data, file: String) throws(RecordingError) -> Recording {
        do {
            let contents = try RecordingReader.read(data, file: file)
            return Recording(header: contents.header, events: contents.events, truncatedAtLine: contents.cutOffLine)
        } catch {
            throw RecordingError(error)
        }
    }
}
