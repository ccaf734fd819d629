/// The keys of a YAML mapping, already checked against the keys its section allows.
struct FieldMap {
    let owner: Field
    let fields: [String: Field]

    /// The key's value, or nil when absent or written as null.
    subscript(_ key: String) -> Field? {
        guard let f = fields[key], !f.isNull else { return nil }
        return f
    }

    func has(_ key: String) -> Bool { fields[key] != nil }

    /// The key's value; its absence fails at the mapping's line.
    func required(_ key: String, _ why: String = "") throws(ConfigError) -> Field {
        if let f = self[key] { return f }
        let path = owner.path.isEmpty ? key : "\(owner.path).\(key)"
        throw ConfigError(file: owner.file, line: owner.line, key: path,
                          message: "missing required key" + (why.isEmpty ? "" : " (\(why))"))
    }

    /// Fails when `key` is present although another setting makes it meaningless.
    func refuse(_ key: String, because reason: String) throws(ConfigError) {
        if let f = fields[key] { throw f.error(reason) }
    }
}
