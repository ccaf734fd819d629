#if canImport(Glibc)
import Glibc
#endif
public import Foundation
public import MeshCore

/// Reads a recording, for `validate` and `replay` alike, so the two always agree: a header line,
/// then one event per line, every field decoded as replay uses it and every number within its
/// `RecordedRange`. Only the last line may be cut off (a crash while writing); everything
/// before it is kept.
public enum RecordingReader {
    /// What a readable recording holds.
    public struct Contents: Sendable {
        public var header: RecordingHeader
        public var events: [MeshEvent]
        /// The line number of a cut-off last line, if there is one.
        public var cutOffLine: Int?
    }

    public static func read(_ data: Data, file: String) throws(ConfigError) -> Contents {
        let firstEnd = data.firstIndex(of: 0x0A) ?? data.endIndex
        let header = try self.header(Data(data[data.startIndex..<firstEnd]), file: file)
        var events: [MeshEvent] = []
        let result: Result<Int?, ConfigError> = data.withUnsafeBytes { bytes in
            Result { () throws(ConfigError) in
                try forEachEvent(in: bytes, from: firstEnd - data.startIndex + 1, firstLine: 2, mayBeCutOff: true, file: file) { event, _, _ in
                    events.append(event)
                }
            }
        }
        return Contents(header: header, events: events, cutOffLine: try result.get())
    }

    /// The longest line read: a keyframe of the largest mesh (10,000 endpoints, about 3.2 MB;
    /// 323 KB at 1,000 in `mesh-bench seek`) twenty times over. Anything longer is not a
    /// recording line, and is not read whole.
    public static let maxLineBytes = 64 << 20

    /// Events are in time order (`t` never goes back): seeking and the keyframe index rely on
    /// it. Carried from one piece of a file to the next when it is read in pieces.
    public struct TimeOrder: Sendable {
        var t = 0.0, line = 0
        public init() {}
        init(t: Double, line: Int) { self.t = t; self.line = line }
    }

    /// Every event line of `bytes` from byte `start` on, numbered from `firstLine`: each through
    /// `JSONLineDecoder`, and again through Foundation's `JSONDecoder` when that one declines,
    /// so a line's value is Foundation's (its error is said by `JSONLineDecoder.diagnose`, in our
    /// words). `body` gets each event with its line's bytes (offsets into `bytes`) and number.
    /// With `mayBeCutOff` (the bytes end the file), a last line without a newline that is not a
    /// JSON object is a crash's cut and returned as its line number.
    public static func forEachEvent(in bytes: UnsafeRawBufferPointer, from start: Int, firstLine: Int, mayBeCutOff: Bool,
                                    file: String, _ body: (MeshEvent, _ bytes: Range<Int>, _ line: Int) -> Void) throws(ConfigError) -> Int? {
        var order = TimeOrder()
        return try forEachEvent(in: bytes, from: start, firstLine: firstLine, mayBeCutOff: mayBeCutOff, file: file, order: &order, body)
    }

    public static func forEachEvent(in bytes: UnsafeRawBufferPointer, from start: Int, firstLine: Int, mayBeCutOff: Bool,
                                    file: String, order: inout TimeOrder,
                                    _ body: (MeshEvent, _ bytes: Range<Int>, _ line: Int) -> Void) throws(ConfigError) -> Int? {
        var fast = JSONLineDecoder()
        let decoder = JSONDecoder()
        let endsWithNewline = bytes.last == 0x0A
        var at = start, number = firstLine - 1
        while at < bytes.count {
            number += 1
            let end = lineEnd(bytes, from: at)
            let span = at..<end
            let line = UnsafeRawBufferPointer(rebasing: bytes[span])
            let isLast = end >= bytes.count - (endsWithNewline ? 1 : 0)
            at = end + 1
            guard line.count <= maxLineBytes else { throw tooLong(file: file, line: number) }
            if line.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }) { continue }
            let event: MeshEvent
            if let read = try? fast.decode(MeshEvent.self, from: line) {
                event = read
            } else {
                do {
                    event = try decoder.decode(MeshEvent.self, from: Data(line))
                } catch {
                    let found = JSONLineDecoder.diagnose(MeshEvent.self, from: line)
                    if case .syntax = found, mayBeCutOff, isLast, !endsWithNewline { return number }
                    throw problem(found, else: error, file: file, line: number)
                }
            }
            guard event.t >= order.t else {
                throw ConfigError(file: file, line: number, key: "t",
                                  message: "\(event.t) goes back in time from \(order.t) on line \(order.line) (events are in time order)")
            }
            order = TimeOrder(t: event.t, line: number)
            body(event, span, number)
        }
        return nil
    }

    public static func tooLong(file: String, line: Int) -> ConfigError {
        ConfigError(file: file, line: line, message: "longer than \(maxLineBytes >> 20) MB, the longest line a recording has (not a recording?)")
    }

    /// Where the line starting at `at` ends: its newline, or the end of the bytes.
    private static func lineEnd(_ bytes: UnsafeRawBufferPointer, from at: Int) -> Int {
        guard let base = bytes.baseAddress, let found = memchr(base + at, 0x0A, bytes.count - at) else { return bytes.count }
        return UnsafeRawPointer(found) - base
    }

    /// Line 1: the format and version this reader knows, a known source, an RFC 3339 start and
    /// the mesh it starts from.
    public static func header(_ data: Data, file: String) throws(ConfigError) -> RecordingHeader {
        guard !data.isEmpty else {
            throw ConfigError(file: file, line: 1, message: "empty recording (expected a header line)")
        }
        func fail(_ key: String?, _ message: String) -> ConfigError {
            ConfigError(file: file, line: 1, key: key, message: message)
        }
        // A byte-order mark some editors add is not part of the header.
        let data = data.starts(with: [0xEF, 0xBB, 0xBF]) ? data.dropFirst(3) : data
        guard let object = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] else {
            throw fail(nil, "not a mesh-top recording (line 1 is not a JSON header)")
        }
        guard object["format"] as? String == RecordingHeader.format else {
            throw fail("format", "not a mesh-top recording (expected \"format\":\"\(RecordingHeader.format)\")")
        }
        if let version = object["version"] as? Int, version != RecordingHeader.version {
            throw fail("version", "unsupported version \(version) (this mesh-top reads version \(RecordingHeader.version))")
        }
        let header: RecordingHeader
        do {
            header = try JSONDecoder().decode(RecordingHeader.self, from: data)
        } catch {
            let found = data.withUnsafeBytes { JSONLineDecoder.diagnose(RecordingHeader.self, from: $0) }
            throw problem(found, else: error, file: file, line: 1)
        }
        guard header.source == "demo" || header.source == "run" else {
            throw fail("source", "unknown source '\(header.source)' (expected demo or run)")
        }
        guard parseDate(header.started) != nil else {
            throw fail("started", "'\(header.started)' is not an RFC 3339 time")
        }
        return header
    }

    /// What the diagnosis found, or else Foundation's `error`, as `KEY.PATH: what is wrong`.
    static func problem(_ diagnosis: JSONLineDecoder.Diagnosis?, else error: any Error, file: String, line: Int) -> ConfigError {
        switch diagnosis {
        case .syntax(let key, let message): ConfigError(file: file, line: line, key: key, message: message)
        case .decoding(let found): problem(found, file: file, line: line)
        case nil: problem(error, file: file, line: line)
        }
    }

    /// A decoding error as `KEY.PATH: what is wrong`.
    static func problem(_ error: any Error, file: String, line: Int) -> ConfigError {
        func path(_ keys: [any CodingKey]) -> String? {
            var out = ""
            for key in keys {
                if let i = key.intValue { out += "[\(i)]" } else { out += (out.isEmpty ? "" : ".") + key.stringValue }
            }
            return out.isEmpty ? nil : out
        }
        let (key, message): (String?, String) = switch error {
        case DecodingError.keyNotFound(let k, let c): (path(c.codingPath + [k]), "missing")
        case DecodingError.typeMismatch(let type, let c):
            (path(c.codingPath), expected(type) + (c.debugDescription.hasPrefix("found ") ? ", " + c.debugDescription : ""))
        case DecodingError.valueNotFound(_, let c):
            (path(c.codingPath), c.debugDescription.hasPrefix("expected more") ? c.debugDescription : "must not be null")
        case DecodingError.dataCorrupted(let c): (path(c.codingPath), c.codingPath.isEmpty ? "not valid JSON" : c.debugDescription)
        default: (nil, "\(error)")
        }
        return ConfigError(file: file, line: line, key: key, message: message)
    }

    /// A type as a recording's reader names it.
    private static func expected(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: "expected a string"
        case is Bool.Type: "expected true or false"
        case is any Numeric.Type: "expected a number"
        case is [String: Any].Type: "expected an object"
        case is [Any].Type: "expected an array"
        default: "expected \(type)"
        }
    }

    private static func parseDate(_ text: String) -> Date? {
        let plain = ISO8601DateFormatter()
        let fractional = ISO8601DateFormatter()
        fractional.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return plain.date(from: text) ?? fractional.date(from: text)
    }
}
