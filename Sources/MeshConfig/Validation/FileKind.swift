import Foundation
import Yams

/// What `mesh-top validate` was given.
public enum FileKind: String, Sendable, Equatable, CaseIterable {
    /// A run configuration (mesh.yaml).
    case config
    /// A demo scenario.
    case scenario
    /// A JSON Lines recording.
    case recording

    /// Keys only a scenario has at its top level.
    static let scenarioKeys: Set<String> = ["name", "description", "seed", "duration", "traffic", "timeline"]

    /// Decides from the content, with the `.jsonl` extension as a hint: a recording's first line is
    /// a JSON header naming `mesh-top/recording`; a YAML file with scenario-only keys is a scenario;
    /// anything else is read as a config, so that its errors are a config's.
    public static func detect(path: String, text: String) -> FileKind {
        if isRecording(path: path, head: Array(text.utf8.prefix(64 << 10))) { return .recording }
        // Read within the budget: a file that breaks it is refused as a config would be.
        guard let root = try? YAMLSource.root(yaml: text, file: path).node, case .mapping(let map) = root else { return .config }
        let keys = Set(map.keys.compactMap(\.string))
        return keys.isDisjoint(with: scenarioKeys) ? .config : .scenario
    }

    /// A `.jsonl` file, or one whose first line is a JSON header naming `mesh-top/recording`,
    /// told from the file's first bytes.
    static func isRecording(path: String, head: [UInt8]) -> Bool {
        if path.hasSuffix(".jsonl") { return true }
        let firstLine = head.prefix { $0 != 0x0A }.drop { $0 == 0xEF || $0 == 0xBB || $0 == 0xBF || $0 == 0x20 }
        return firstLine.first == UInt8(ascii: "{") && String(decoding: firstLine, as: UTF8.self).contains("mesh-top/recording")
    }
}
