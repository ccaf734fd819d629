/// What `mesh-top validate` checks and says, apart from the command line itself.
public enum Validator {
    /// A file that passed: its kind, the `ok:` line, and any warnings (each one line).
    public struct Report: Sendable, Equatable {
        public var kind: FileKind
        public var summary: String
        public var warnings: [String]
    }

    /// Reads `path` (a file or a pipe), decides what it is, and checks it completely. A
    /// recording is read in pieces, whatever its size; a config or scenario whole, up to
    /// `YAMLSource.maxBytes`.
    public static func validate(path: String) throws(ConfigError) -> Report {
        let file = try InputFile(path: path)
        // A recording's header names its format first (its keys are sorted), well within this.
        let head = try file.read(upTo: 64 << 10)
        if FileKind.isRecording(path: path, head: head) {
            let r = try RecordingCheck.check(file, head: head)
            var warnings = r.warnings
            if let line = r.cutOffLine {
                warnings.append("warning: \(path):\(line): last line is cut off (written during a crash?); replay plays everything before it")
            }
            let seconds = (r.lastTime * 10).rounded() / 10
            return Report(kind: .recording, summary: "ok: \(path): recording from \(r.source), \(count(r.events, "event")) over \(seconds)s",
                          warnings: warnings)
        }
        let bytes = try file.readAll(after: head, limit: YAMLSource.maxBytes, what: "config or scenario")
        let text = try YAMLSource.text(bytes, file: path)
        let kind = FileKind.detect(path: path, text: text)
        switch kind {
        case .config:
            let config = try MeshConfig.parse(yaml: text, file: path)
            return Report(kind: kind, summary: "ok: \(path): \(count(config.services.count, "service")), "
                + "\(count(config.endpointCount, "endpoint"))", warnings: PolicyWarnings.warnings(yaml: text, file: path))
        case .scenario, .recording:
            let s = try Scenario.parse(yaml: text, file: path)
            return Report(kind: .scenario, summary: "ok: \(path): scenario '\(s.name)', \(count(s.services.count, "service")), "
                + "\(count(s.endpointCount, "endpoint")), \(count(s.timeline.count, "timeline step"))",
                          warnings: PolicyWarnings.warnings(yaml: text, file: path))
        }
    }

    private static func count(_ n: Int, _ noun: String) -> String { "\(n) \(noun)\(n == 1 ? "" : "s")" }
}
