import Foundation
import MeshCore

/// What `validate` says about a recording: read by `RecordingReader`, exactly as replay reads it.
public enum RecordingCheck {
    /// What a readable recording holds.
    public struct Summary: Sendable, Equatable {
        /// `demo` or `run`.
        public var source: String
        public var events: Int
        /// `t` of the last event, seconds.
        public var lastTime: Double
        /// The line number of a cut-off last line (a crash mid-write), if there is one.
        public var cutOffLine: Int?
        /// Said but not refused (`RecordingConsistency`), each one line.
        public var warnings: [String] = []
    }

    /// A recording held as text (tests, small files).
    public static func check(text: String, file: String) throws(ConfigError) -> Summary {
        var check = Check(file: file)
        try check.take(Array(text.utf8))
        return try check.finish()
    }

    /// A file or a pipe whose first bytes, `head`, were read already, read on in pieces
    /// (`RecordingStream`): every line is read and dropped, so a recording larger than memory
    /// is checked too.
    static func check(_ input: borrowing InputFile, head: [UInt8]) throws(ConfigError) -> Summary {
        var check = Check(file: input.path)
        try check.take(head)
        while true {
            let piece = try input.read(upTo: 4 << 20)
            if piece.isEmpty { break }
            try check.take(piece)
        }
        return try check.finish()
    }

    private struct Check {
        var stream: RecordingStream
        var consistency: RecordingConsistency?
        var events = 0, lastTime = 0.0

        init(file: String) { stream = RecordingStream(file: file) }

        mutating func take(_ bytes: [UInt8]) throws(ConfigError) {
            var (events, lastTime, consistency) = (self.events, self.lastTime, self.consistency)
            defer { (self.events, self.lastTime, self.consistency) = (events, lastTime, consistency) }
            try stream.take(bytes, onHeader: { consistency = RecordingConsistency(mesh: $0.mesh) }) { event, _, line in
                events += 1
                lastTime = event.t
                consistency?.take(event, line: line)
            }
        }

        mutating func finish() throws(ConfigError) -> Summary {
            var (events, lastTime, consistency) = (self.events, self.lastTime, self.consistency)
            let cutOff = try stream.finish(onHeader: { consistency = RecordingConsistency(mesh: $0.mesh) }) { event, _, line in
                events += 1
                lastTime = event.t
                consistency?.take(event, line: line)
            }
            let header = stream.header!
            return Summary(source: header.source, events: events, lastTime: lastTime, cutOffLine: cutOff,
                           warnings: consistency?.warning(file: stream.file).map { [$0] } ?? [])
        }
    }
}
