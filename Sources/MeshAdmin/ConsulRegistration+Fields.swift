extension ConsulRegistration {
    /// One object of a request body, read field by field. Each accessor answers nil when the
    /// key is absent or `null` (Go leaves such a field unset) and refuses a wrong type with a
    /// message naming `path.Key`.
    struct Fields {
        let value: JSONValue
        let path: String

        init(_ value: JSONValue, path: String) {
            self.value = value
            self.path = path
        }

        /// `{}`, or only nulls: Consul skips such a `Check` (`CheckType.Empty`).
        var isEmpty: Bool {
            guard case .object(let members) = value else { return true }
            return members.allSatisfy { if case .null = $0.value { true } else { false } }
        }

        /// Refuses a key that matches none of `known` in any case, as Consul's decoder does
        /// (`lib.DecodeJSON`, `DisallowUnknownFields`): a misspelt key is an error, not a
        /// default silently taken.
        func refuseUnknown(_ known: Set<String>) throws(Refusal) {
            guard case .object(let members) = value else { return }
            for (key, _) in members where !known.contains(key.lowercased()) {
                throw Refusal(message: "\(path).\(key): Request decode failed: json: unknown field \"\(key)\"")
            }
        }

        func value(_ key: String, alias: String? = nil) -> JSONValue? {
            value[key] ?? alias.flatMap { value[$0] }
        }

        func string(_ key: String) throws(Refusal) -> String? {
            guard let v = value(key) else { return nil }
            guard case .string(let s) = v else { throw wrong(key, "a string", v) }
            return s
        }

        func strings(_ key: String) throws(Refusal) -> [String]? {
            guard let v = value(key) else { return nil }
            guard case .array(let items) = v else { throw wrong(key, "a list of strings", v) }
            var out: [String] = []
            for (i, item) in items.enumerated() {
                guard case .string(let s) = item else { throw wrong("\(key)[\(i)]", "a string", item) }
                out.append(s)
            }
            return out
        }

        func stringMap(_ key: String) throws(Refusal) -> [String: String]? {
            guard let v = value(key) else { return nil }
            guard case .object(let members) = v else { throw wrong(key, "an object of strings", v) }
            var out: [String: String] = [:]
            for (k, item) in members {
                if case .null = item { continue }
                guard case .string(let s) = item else { throw wrong("\(key).\(k)", "a string", item) }
                out[k] = s
            }
            return out
        }

        func integer(_ key: String, in range: ClosedRange<Int>) throws(Refusal) -> Int? {
            guard let v = value(key) else { return nil }
            // As Go reads an int: an integer literal (`80`, not `80.0` or `8e1`), in range.
            guard case .number(let text) = v, let n = Int(text), range.contains(n) else {
                throw wrong(key, "a whole number \(range.lowerBound)...\(range.upperBound)", v)
            }
            return n
        }

        func bool(_ key: String, alias: String? = nil) throws(Refusal) -> Bool? {
            guard let v = value(key, alias: alias) else { return nil }
            guard case .bool(let b) = v else { throw wrong(key, "true or false", v) }
            return b
        }

        func object(_ key: String) throws(Refusal) -> Fields? {
            guard let v = value(key) else { return nil }
            guard case .object = v else { throw wrong(key, "an object", v) }
            return Fields(v, path: "\(path).\(key)")
        }

        func objects(_ key: String) throws(Refusal) -> [Fields]? {
            guard let v = value(key) else { return nil }
            guard case .array(let items) = v else { throw wrong(key, "a list of objects", v) }
            var out: [Fields] = []
            for (i, item) in items.enumerated() {
                guard case .object = item else { throw wrong("\(key)[\(i)]", "an object", item) }
                out.append(Fields(item, path: "\(path).\(key)[\(i)]"))
            }
            return out
        }

        /// Seconds, from a Go duration (`10s`, `1m30s`) or a number of nanoseconds, as Consul
        /// reads durations; 0 up to `maxDuration`.
        func duration(_ key: String, alias: String? = nil) throws(Refusal) -> Double? {
            guard let v = value(key, alias: alias) else { return nil }
            let seconds: Double
            switch v {
            case .string(let s):
                guard let d = GoDuration.parse(s) else {
                    throw Refusal(message: "\(path).\(key): '\(s)' is not a duration like 10s, 1m30s or 500ms")
                }
                seconds = d
            case .number:
                guard let n = v.double, n.isFinite else { throw wrong(key, "a duration like 10s", v) }
                seconds = n / 1e9
            default: throw wrong(key, "a duration like 10s", v)
            }
            guard seconds >= 0 else { throw Refusal(message: "\(path).\(key): cannot be negative") }
            guard seconds <= ConsulRegistration.maxDuration else {
                throw Refusal(message: "\(path).\(key): longer than 30 days (720h)")
            }
            return seconds
        }

        private func wrong(_ key: String, _ expected: String, _ got: JSONValue) -> Refusal {
            let shown: String = switch got {
            case .string(let s): "'\(s)'"
            case .number(let text): text
            case .bool(let b): String(b)
            default: got.kind
            }
            return Refusal(message: "\(path).\(key): expected \(expected), got \(shown)")
        }
    }
}
