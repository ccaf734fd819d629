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

    /// Every line read and dropped, so a recording larger than memory is checked too.
    public static func check(text: String, file: String) throws(ConfigError) -> Summary {
        let data = Data(text.utf8)
        let firstEnd = data.firstIndex(of: 0x0A) ?? data.endIndex
        let header = try RecordingReader.header(Data(data[..<firstEnd]), file: file)
        var events = 0, lastTime = 0.0
        let result: Result<Int?, ConfigError> = data.withUnsafeBytes { bytes in
            Result { () throws(ConfigError) in
                try RecordingReader.forEachEvent(in: bytes, from: firstEnd + 1, firstLine: 2, mayBeCutOff: true, file: file) { event, _, _ in
                    events += 1
                    lastTime = event.t
                }
            }
        }
        return Summary(source: header.source, events: events, lastTime: lastTime, cutOffLine: try result.get())
    }
}
