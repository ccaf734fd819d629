/// Remembers names as they are read and fails on the second use of one, pointing at the first.
struct UniqueNames {
    let what: String
    /// ` in service web`, appended to the message.
    var scope = ""
    private(set) var lines: [String: Int] = [:]

    init(_ what: String, scope: String = "") { self.what = what; self.scope = scope }

    mutating func insert(_ name: String, at field: Field) throws(ConfigError) {
        if let first = lines[name] {
            throw field.error("duplicate \(what) '\(name)'\(scope) (first at line \(first))")
        }
        lines[name] = field.line ?? 0
    }

    func contains(_ name: String) -> Bool { lines[name] != nil }
}
