import CYaml

/// Bounds the work a YAML text can ask for before Yams builds nodes from it.
///
/// Aliases let a few hundred bytes stand for billions of nodes ("billion laughs"): Yams shares
/// an anchored node, but hashing mapping keys for its duplicate check, and every reader after
/// it, walks the expansion. So the parser's events are walked first, on an explicit stack, and
/// the node count of the expanded document (each alias counting as the whole node it names,
/// merge keys `<<: *a` included) must stay within `maxNodes`, nesting within `maxDepth`.
/// Same idea as Kubernetes' alias-expansion limit in go-yaml (`yaml.v2` decoder's
/// `allowedAliasRatio`), but a fixed budget, so the bound does not grow with the file.
enum YAMLBudget {
    /// Nodes of the expanded document: a mesh of 10,000 endpoints is about 150,000.
    static let maxNodes = 1_000_000
    /// Collections inside collections: mesh.yaml and scenarios need 6.
    static let maxDepth = 64

    /// Throws at the line where the budget runs out; syntax errors are left for Yams to report.
    static func check(_ yaml: String, file: String) throws(ConfigError) {
        var utf8 = Array(yaml.utf8)
        var failure: ConfigError?
        utf8.withUnsafeMutableBufferPointer { buffer in
            var parser = yaml_parser_t()
            guard yaml_parser_initialize(&parser) == 1 else { return }
            defer { yaml_parser_delete(&parser) }
            yaml_parser_set_encoding(&parser, YAML_UTF8_ENCODING)
            yaml_parser_set_input_string(&parser, buffer.baseAddress, buffer.count)
            var walk = Walk()
            while failure == nil {
                var event = yaml_event_t()
                guard yaml_parser_parse(&parser, &event) == 1 else { return }
                defer { yaml_event_delete(&event) }
                if event.type == YAML_STREAM_END_EVENT { return }
                let line = Int(event.start_mark.line) + 1
                if let problem = walk.take(event) {
                    failure = ConfigError(file: file, line: line, message: problem)
                }
            }
        }
        if let failure { throw failure }
    }

    /// The counting itself: sizes saturate just past the budget, so nothing overflows.
    private struct Walk {
        /// Expanded size of each anchored node, by anchor name (a later anchor shadows).
        var anchors: [String: Int] = [:]
        /// Open collections: their anchor and their size so far.
        var open: [(anchor: String?, size: Int)] = []
        var total = 0
        var sawAlias = false

        mutating func take(_ event: yaml_event_t) -> String? {
            switch event.type {
            case YAML_SCALAR_EVENT:
                return finish(size: 1, anchor: Self.name(event.data.scalar.anchor))
            case YAML_ALIAS_EVENT:
                // An undefined alias is Yams' error to report; here it counts as one node.
                let size = Self.name(event.data.alias.anchor).flatMap { anchors[$0] } ?? 1
                sawAlias = true
                return finish(size: size, anchor: nil)
            case YAML_SEQUENCE_START_EVENT, YAML_MAPPING_START_EVENT:
                guard open.count < YAMLBudget.maxDepth else {
                    return "nested more than \(YAMLBudget.maxDepth) levels deep"
                }
                let anchor = event.type == YAML_SEQUENCE_START_EVENT
                    ? Self.name(event.data.sequence_start.anchor) : Self.name(event.data.mapping_start.anchor)
                open.append((anchor, 1))
                return nil
            case YAML_SEQUENCE_END_EVENT, YAML_MAPPING_END_EVENT:
                guard let closed = open.popLast() else { return nil }
                return finish(size: closed.size, anchor: closed.anchor)
            default:
                return nil
            }
        }

        private mutating func finish(size: Int, anchor: String?) -> String? {
            let cap = YAMLBudget.maxNodes + 1
            if let anchor { anchors[anchor] = size }
            if open.isEmpty {
                total = min(cap, total + size)
            } else {
                open[open.count - 1].size = min(cap, open[open.count - 1].size + size)
            }
            let reached = open.isEmpty ? total : open[open.count - 1].size
            guard reached <= YAMLBudget.maxNodes else {
                return "more than \(YAMLBudget.maxNodes) nodes"
                    + (sawAlias ? " once its aliases are expanded (an alias bomb?)" : " (the most mesh-top reads)")
            }
            return nil
        }

        private static func name(_ pointer: UnsafeMutablePointer<yaml_char_t>?) -> String? {
            pointer.map { String(cString: UnsafeRawPointer($0).assumingMemoryBound(to: CChar.self)) }
        }
    }
}
