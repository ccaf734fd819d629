import Yams

/// A service's `access_log:`: one line per request (HTTP) or connection (TCP).
///
/// ```yaml
/// access_log: logs/web.log                        # text lines (Envoy's default format, below)
/// access_log: {path: logs/web.jsonl, format: json} # JSON lines
/// access_log: "-"                                 # standard output (headless runs only)
/// ```
public struct AccessLogConfig: Sendable, Equatable {
    public enum Format: String, Sendable, Equatable, CaseIterable { case text, json }

    /// As written: relative paths are relative to mesh.yaml's directory; `-` is standard output.
    public var path: String
    public var format: Format

    public init(path: String, format: Format = .text) {
        self.path = path; self.format = format
    }

    public var isStandardOutput: Bool { path == "-" }
}

extension AccessLogConfig {
    init(_ field: Field) throws(ConfigError) {
        if case .scalar = field.node {
            self.init(path: try field.text())
            return
        }
        let map = try field.object(["path", "format"])
        let path = try map.required("path").text()
        var format = Format.text
        if let f = map["format"] {
            let text = try f.string()
            guard let parsed = Format(rawValue: text) else { throw f.error("unknown format '\(text)' (expected text or json)") }
            format = parsed
        }
        self.init(path: path, format: format)
    }
}
