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
    }

    public static func check(text: String, file: String) throws(ConfigError) -> Summary {
        let contents = try RecordingReader.read(Data(text.utf8), file: file)
        return Summary(source: contents.header.source, events: contents.events.count,
                       lastTime: contents.events.last?.t ?? 0, cutOffLine: contents.cutOffLine)
    }
}
