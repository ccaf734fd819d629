public import Foundation
public import MeshCore

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

    public static func parse(_ data: Data, file: String) throws(RecordingError) -> Recording {
        let decoder = JSONDecoder()
        var lines = data.split(separator: 0x0A, omittingEmptySubsequences: false)
        let endsWithNewline = data.last == 0x0A
        if endsWithNewline { lines.removeLast() }
        guard let first = lines.first, !first.isEmpty else {
            throw RecordingError(file: file, message: "empty file, not a mesh-top recording")
        }
        let header: RecordingHeader
        do {
            header = try decoder.decode(RecordingHeader.self, from: Data(first))
        } catch {
            throw RecordingError(file: file, line: 1, message: "not a mesh-top recording (line 1 is not a recording header)")
        }
        guard header.format == RecordingHeader.format else {
            throw RecordingError(file: file, line: 1, message: "not a mesh-top recording (format '\(header.format)')")
        }
        guard header.version == RecordingHeader.version else {
            throw RecordingError(file: file, line: 1, message: "recording version \(header.version) is not supported (expected \(RecordingHeader.version))")
        }
        var events: [MeshEvent] = []
        events.reserveCapacity(lines.count)
        var truncated: Int?
        for (i, line) in lines.enumerated().dropFirst() where !line.isEmpty {
            do {
                events.append(try decoder.decode(MeshEvent.self, from: Data(line)))
            } catch {
                // Only the very last line may be cut off by a crash; anything else is damage.
                if i == lines.count - 1 && !endsWithNewline {
                    truncated = i + 1
                } else {
                    throw RecordingError(file: file, line: i + 1, message: "bad event: \(Recording.describe(error))")
                }
            }
        }
        return Recording(header: header, events: events, truncatedAtLine: truncated)
    }

    static func describe(_ error: any Error) -> String {
        switch error {
        case DecodingError.keyNotFound(let key, _): "missing field '\(key.stringValue)'"
        case DecodingError.typeMismatch(_, let c), DecodingError.valueNotFound(_, let c):
            "wrong type at '\(c.codingPath.map(\.stringValue).joined(separator: "."))'"
        case DecodingError.dataCorrupted(let c):
            c.codingPath.isEmpty ? "not valid JSON" : "\(c.codingPath.map(\.stringValue).joined(separator: ".")): \(c.debugDescription)"
        default: "\(error)"
        }
    }
}
