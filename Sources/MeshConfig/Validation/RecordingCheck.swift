import Foundation

/// Checks the outer shape of a recording: a valid header line, then one JSON event per line with
/// a numeric `t` and a string `type`. The events' own fields are the replay reader's business.
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

    private struct Header: Decodable {
        var format: String
        var version: Int
        var source: String
        var started: String
    }

    private struct Line: Decodable {
        var t: Double
        var type: String
    }

    private struct MeshField: Decodable {
        var mesh: [String: AnyDecodable]
    }

    /// Accepts any JSON value, to check that `mesh` is an object without caring what is in it.
    private struct AnyDecodable: Decodable {
        init(from decoder: any Decoder) throws {}
    }

    public static func check(text: String, file: String) throws(ConfigError) -> Summary {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        let endsWithNewline = lines.last == ""
        if endsWithNewline { lines.removeLast() }
        guard let first = lines.first, !first.isEmpty else {
            throw ConfigError(file: file, line: 1, message: "empty recording (expected a header line)")
        }
        let source = try header(first, file: file)
        var summary = Summary(source: source, events: 0, lastTime: 0, cutOffLine: nil)
        let decoder = JSONDecoder()
        for (index, raw) in lines.enumerated().dropFirst() {
            let number = index + 1
            if raw.allSatisfy(\.isWhitespace) { continue }
            let data = Data(raw.utf8)
            guard (try? JSONSerialization.jsonObject(with: data)) is [String: Any] else {
                if index == lines.count - 1, !endsWithNewline {
                    summary.cutOffLine = number
                    break
                }
                throw ConfigError(file: file, line: number, message: "not a JSON object")
            }
            do {
                let line = try decoder.decode(Line.self, from: data)
                summary.events += 1
                summary.lastTime = line.t
            } catch let DecodingError.keyNotFound(key, _) {
                throw ConfigError(file: file, line: number, key: key.stringValue, message: "missing")
            } catch let DecodingError.typeMismatch(_, context) {
                let key = context.codingPath.last?.stringValue
                throw ConfigError(file: file, line: number, key: key, message: key == "t" ? "expected a number" : "expected a string")
            } catch {
                throw ConfigError(file: file, line: number, message: "not a recording event")
            }
        }
        return summary
    }

    /// Checks line 1 and returns its `source`.
    private static func header(_ line: Substring, file: String) throws(ConfigError) -> String {
        let data = Data(line.utf8)
        func fail(_ key: String?, _ message: String) -> ConfigError {
            ConfigError(file: file, line: 1, key: key, message: message)
        }
        guard let object = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] else {
            throw fail(nil, "the header is not a JSON object")
        }
        guard object["format"] as? String == "mesh-top/recording" else {
            throw fail("format", "not a mesh-top recording (expected \"format\":\"mesh-top/recording\")")
        }
        let header: Header
        do { header = try JSONDecoder().decode(Header.self, from: data) } catch {
            let key: String? = switch error {
            case DecodingError.keyNotFound(let k, _): k.stringValue
            case DecodingError.typeMismatch(_, let c): c.codingPath.last?.stringValue
            default: nil
            }
            throw fail(key, "bad header field")
        }
        guard header.version == 1 else { throw fail("version", "unsupported version \(header.version) (this mesh-top reads version 1)") }
        guard header.source == "demo" || header.source == "run" else {
            throw fail("source", "unknown source '\(header.source)' (expected demo or run)")
        }
        guard parseDate(header.started) != nil else {
            throw fail("started", "'\(header.started)' is not an RFC 3339 time")
        }
        guard (try? JSONDecoder().decode(MeshField.self, from: data)) != nil else {
            throw fail("mesh", "missing or not an object")
        }
        return header.source
    }

    private static func parseDate(_ text: String) -> Date? {
        let plain = ISO8601DateFormatter()
        let fractional = ISO8601DateFormatter()
        fractional.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return plain.date(from: text) ?? fractional.date(from: text)
    }
}
