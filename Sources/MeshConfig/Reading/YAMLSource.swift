import Foundation
import Yams

/// Reads a file's text and turns YAML into a root `Field`, with YAML's own errors as `ConfigError`s.
enum YAMLSource {
    /// The most a config or scenario may hold: a mesh of 10,000 endpoints is about 1 MB.
    static let maxBytes = 64 << 20

    /// The whole file as UTF-8 text; every way of failing is one line naming the file.
    static func read(path: String) throws(ConfigError) -> String {
        let file = try InputFile(path: path)
        return try text(file.readAll(limit: maxBytes, what: "config or scenario"), file: path)
    }

    /// `bytes` as text, or the line where they stop being UTF-8.
    static func text(_ bytes: [UInt8], file: String) throws(ConfigError) -> String {
        // A byte-order mark (some Windows editors write one) is not part of the YAML.
        let bytes = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? Array(bytes.dropFirst(3)) : bytes
        if let text = String(validating: bytes, as: UTF8.self) { return text }
        var line = 1, start = 0
        for (i, byte) in bytes.enumerated() where byte == 0x0A {
            guard String(validating: bytes[start...i], as: UTF8.self) != nil else { break }
            line += 1
            start = i + 1
        }
        throw ConfigError(file: file, line: line, message: "not UTF-8 text (save it as UTF-8)")
    }

    /// The document's root, which must be a mapping.
    static func root(yaml: String, file: String) throws(ConfigError) -> Field {
        try YAMLBudget.check(yaml, file: file)
        let node: Node?
        do {
            node = try Yams.compose(yaml: yaml)
        } catch let error as YamlError {
            throw convert(error, file: file)
        } catch {
            throw ConfigError(file: file, message: "not valid YAML: \(error)")
        }
        guard let node else { throw ConfigError(file: file, line: 1, message: "the file is empty") }
        let root = Field(node: node, path: "", file: file)
        guard case .mapping = node else { throw root.error("expected a mapping of keys at the top level, got \(root.shown)") }
        return root
    }

    /// Yams' multi-line messages become one line with the problem's line number.
    static func convert(_ error: YamlError, file: String) -> ConfigError {
        func oneLine(_ context: YamlError.Context?, _ problem: String) -> String {
            guard let context else { return "YAML syntax error: \(problem)" }
            return "YAML syntax error: \(problem) (\(context.text) at line \(context.mark.line))"
        }
        switch error {
        case let .scanner(context, problem, mark, _), let .parser(context, problem, mark, _),
             let .composer(context, problem, mark, _):
            return ConfigError(file: file, line: mark.line, message: oneLine(context, problem))
        case let .reader(problem, offset, _, yaml):
            let line = offset.map { o in yaml.utf8.prefix(o).reduce(1) { $1 == UInt8(ascii: "\n") ? $0 + 1 : $0 } }
            return ConfigError(file: file, line: line, message: "cannot read the text: \(problem)")
        case let .duplicatedKeysInMapping(duplicates, context):
            let key = duplicates.sorted().first ?? ""
            let first = context.mark
            let line = secondUse(of: key, after: first, in: context.text) ?? first.line
            return ConfigError(file: file, line: line, key: nil, message: "duplicate key '\(key)' (first at line \(first.line))")
        default:
            return ConfigError(file: file, message: "YAML error: \(error)")
        }
    }

    /// Yams points at a duplicate key's first use; the second, at the same column of a later line, is the mistake.
    private static func secondUse(of key: String, after mark: Mark, in yaml: String) -> Int? {
        let lines = yaml.split(separator: "\n", omittingEmptySubsequences: false)
        guard mark.line < lines.count else { return nil }
        for number in (mark.line + 1)...lines.count {
            let text = lines[number - 1].unicodeScalars
            guard text.count >= mark.column else { continue }
            let rest = String(text.dropFirst(mark.column - 1))
            if rest.hasPrefix(key + ":") || rest.hasPrefix("\"\(key)\":") || rest.hasPrefix("'\(key)':") { return number }
        }
        return nil
    }
}
