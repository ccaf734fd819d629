#if canImport(Glibc)
import Glibc
#endif
public import Foundation
public import MeshCore

/// The sidecar `RECORDING.index` beside a recording: where its keyframes and notable events
/// are, so that opening reads the header and this, and a seek reads one keyframe's span
/// (`RecordingFile`). JSON, like the recording (`jq .keyframes[-1] run.jsonl.index`).
///
/// Written by `RecordingWriter` when it closes, or by the first open that had to read the
/// whole recording. It is a cache: nothing in it is believed until checked against the
/// recording (`RecordingIndex+Check`). At open, every claim that decides what plays: the
/// recording's size, modification time and header line; where events start and end and
/// whether the last line is cut off; each keyframe's place, kind and time (its first and last
/// bytes are read); the last event's time. As a span is read, the rest: line numbers, keyframes
/// it left out, notable events. A claim that fails makes it stale: the whole recording is read
/// to make it again, said in one line.
public struct RecordingIndex: Codable, Sendable, Equatable {
    public static let format = "mesh-top/recording-index"
    public static let version = 3

    /// A line of the recording: its byte offset, its line number (from 1) and byte length.
    public struct Line: Codable, Sendable, Equatable {
        public var offset: Int
        public var line: Int
        public var length: Int
    }

    /// A keyframe line (its byte offset, line number and byte length, newline excluded) and
    /// its mesh time.
    public struct Keyframe: Codable, Sendable, Equatable {
        public var t: Double
        public var offset: Int
        public var line: Int
        public var length: Int
        /// FNV-1a of the line's first `headBytes` bytes (its `seq` and the start of its state).
        public var head: String?
    }

    /// How much of each keyframe line `head` covers: one small read each at open.
    static let headBytes = 64

    public var format = RecordingIndex.format
    public var version = RecordingIndex.version
    /// The recording's size in bytes when indexed.
    public var size: Int
    /// The recording's modification time when indexed, nanoseconds since 1970.
    public var modified: Int64
    /// FNV-1a (64 bits, hex) of the header line: another recording in the same place differs.
    public var header: String
    /// Where the first event line starts (after the header line).
    public var start: Int
    /// Where the events end: a cut-off last line, if any, starts here.
    public var end: Int
    /// `t` of the last event.
    public var duration: Double
    public var cutOffLine: Int?
    public var keyframes: [Keyframe]
    /// Events the events pane shows (`MeshEvent.isNotable`): a seek rebuilds its history from them.
    public var notable: [Line]

    /// The sidecar's path for a recording's.
    /// What an index's name adds to its recording's.
    public static let suffix = ".index"

    public static func path(for recording: String) -> String { recording + suffix }

    /// Stamps each keyframe's `head` from the file open at `fd`; nil if it cannot be read.
    func stampingHeads(from fd: Int32) -> RecordingIndex? {
        var index = self
        for k in index.keyframes.indices {
            guard let head = Self.head(fd, at: keyframes[k].offset, end: end) else { return nil }
            index.keyframes[k].head = head
        }
        return index
    }

    /// The fingerprint of the line starting at `offset` (just after a newline) up to
    /// `headBytes`; nil if it does not start a line or cannot be read.
    static func head(_ fd: Int32, at offset: Int, end: Int) -> String? {
        let count = min(headBytes, end - offset)
        guard offset > 0, count > 0 else { return nil }
        var bytes = [UInt8](repeating: 0, count: count + 1)
        let n = bytes.withUnsafeMutableBytes { pread(fd, $0.baseAddress, count + 1, off_t(offset - 1)) }
        guard n == count + 1, bytes[0] == 0x0A else { return nil }
        return fingerprint(bytes.dropFirst())
    }

    /// Hex FNV-1a (64 bits) of `bytes`.
    static func fingerprint(_ bytes: some Sequence<UInt8>) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in bytes { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
        return String(hash, radix: 16)
    }

    /// Writes it beside `recording`, whole or not at all (a temporary file renamed over).
    func write(for recording: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        var data = try encoder.encode(self)
        data.append(0x0A)
        let path = Self.path(for: recording)
        let temporary = path + ".\(getpid()).tmp"
        try data.write(to: URL(fileURLWithPath: temporary))
        guard rename(temporary, path) == 0 else {
            unlink(temporary)
            throw RecordingError(file: path, message: "cannot write: \(String(cString: strerror(errno)))")
        }
    }

    /// Size and modification time (ns) of an open file.
    static func stat(_ fd: Int32) -> (size: Int, modified: Int64)? {
        var info = Glibc.stat()
        guard fstat(fd, &info) == 0 else { return nil }
        return (Int(info.st_size), Int64(info.st_mtim.tv_sec) * 1_000_000_000 + Int64(info.st_mtim.tv_nsec))
    }
}

extension RecordingIndex {
/// Collects an index from events as they are read or written, in order.
struct Builder {
    var keyframes: [RecordingIndex.Keyframe] = []
    var notable: [RecordingIndex.Line] = []
    var duration = 0.0

    mutating func add(_ event: MeshEvent, bytes: Range<Int>, line: Int) {
        duration = event.t
        if case .keyframe = event.body {
            keyframes.append(.init(t: event.t, offset: bytes.lowerBound, line: line, length: bytes.count))
        } else if event.isNotable {
            notable.append(.init(offset: bytes.lowerBound, line: line, length: bytes.count))
        }
    }

    func index(size: Int, modified: Int64, header: String, start: Int, end: Int, cutOffLine: Int?) -> RecordingIndex {
        RecordingIndex(size: size, modified: modified, header: header, start: start, end: end,
                       duration: duration, cutOffLine: cutOffLine, keyframes: keyframes, notable: notable)
    }
}
}
