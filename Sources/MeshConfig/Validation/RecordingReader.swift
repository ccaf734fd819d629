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
        let endsWithNewline = data.last == 0x0A
        let firstEnd = data.firstIndex(of: 0x0A) ?? data.endIndex
        guard firstEnd > data.startIndex else {
            throw ConfigError(file: file, line: 1, message: "empty recording (expected a header line)")
        }
        let header = try self.header(Data(data[data.startIndex..<firstEnd]), file: file)
        let result: Result<([MeshEvent], Int?), ConfigError> = data.withUnsafeBytes { bytes in
            Result { () throws(ConfigError) in try readEvents(bytes, from: firstEnd - data.startIndex + 1, endsWithNewline: endsWithNewline, file: file) }
        }
        let (events, cutOff) = try result.get()
        return Contents(header: header, events: events, cutOffLine: cutOff)
    }

    /// Every event line from byte `start` on: each through `JSONLineDecoder`, and again through
    /// Foundation's `JSONDecoder` when that one declines, so a line's value or error is Foundation's.
    private static func readEvents(_ bytes: UnsafeRawBufferPointer, from start: Int, endsWithNewline: Bool,
                               file: String) throws(ConfigError) -> ([MeshEvent], Int?) {
        var fast = JSONLineDecoder()
        let decoder = JSONDecoder()
        var events: [MeshEvent] = []
        var at = start, number = 1
        while at < bytes.count {
            number += 1
            let end = lineEnd(bytes, from: at)
            let line = UnsafeRawBufferPointer(rebasing: bytes[at..<end])
            let isLast = end >= bytes.count - (endsWithNewline ? 1 : 0)
            at = end + 1
            if line.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }) { continue }
            if let event = try? fast.decode(MeshEvent.self, from: line) {
                events.append(event)
                continue
            }
            let raw = Data(line)
            do {
                events.append(try decoder.decode(MeshEvent.self, from: raw))
            } catch {
                let isObject = (try? JSONSerialization.jsonObject(with: raw)) is [String: Any]
                if !isObject, isLast, !endsWithNewline { return (events, number) }
                throw isObject ? problem(error, file: file, line: number)
                               : ConfigError(file: file, line: number, message: "not a JSON object")
            }
        }
        return (events, nil)
    }

    /// Where the line starting at `at` ends: its newline, or the end of the bytes.
    private static func lineEnd(_ bytes: UnsafeRawBufferPointer, from at: Int) -> Int {
        guard let base = bytes.baseAddress, let found = memchr(base + at, 0x0A, bytes.count - at) else { return bytes.count }
        return UnsafeRawPointer(found) - base
    }

    /// Line 1: the format and version this reader knows, a known source, an RFC 3339 start and
    /// the mesh it starts from.
    private static func header(_ data: Data, file: String) throws(ConfigError) -> RecordingHeader {
        func fail(_ key: String?, _ message: String) -> ConfigError {
            ConfigError(file: file, line: 1, key: key, message: message)
        }
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
            throw problem(error, file: file, line: 1)
        }
        guard header.source == "demo" || header.source == "run" else {
            throw fail("source", "unknown source '\(header.source)' (expected demo or run)")
        }
        guard parseDate(header.started) != nil else {
            throw fail("started", "'\(header.started)' is not an RFC 3339 time")
        }
        return header
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
            (path(c.codingPath), type == String.self ? "expected a string" : type is any Numeric.Type ? "expected a number" : "expected \(type)")
        case DecodingError.valueNotFound(_, let c): (path(c.codingPath), "must not be null")
        case DecodingError.dataCorrupted(let c): (path(c.codingPath), c.codingPath.isEmpty ? "not valid JSON" : c.debugDescription)
        default: (nil, "\(error)")
        }
        return ConfigError(file: file, line: line, key: key, message: message)
    }

    private static func parseDate(_ text: String) -> Date? {
        let plain = ISO8601DateFormatter()
        let fractional = ISO8601DateFormatter()
        fractional.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return plain.date(from: text) ?? fractional.date(from: text)
    }
}
