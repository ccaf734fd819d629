/// A problem in a config, scenario or recording: one line naming the file, line and key.
public struct ConfigError: Error, Sendable, CustomStringConvertible {
    public var file: String
    public var line: Int?
    public var key: String?
    public var message: String

    public init(file: String, line: Int? = nil, key: String? = nil, message: String) {
        self.file = file; self.line = line; self.key = key; self.message = message
    }

    /// `mesh.yaml:12: services[0].balancer: unknown balancer 'fastest' (expected ...)`
    public var description: String {
        var s = file
        if let line { s += ":\(line)" }
        s += ": "
        if let key { s += "\(key): " }
        return s + message
    }
}
