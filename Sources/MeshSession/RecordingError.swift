import MeshConfig

/// A recording that cannot be written or read: one line naming the file (and line).
public struct RecordingError: Error, Sendable, CustomStringConvertible {
    public var file: String
    public var line: Int?
    public var message: String

    public init(file: String, line: Int? = nil, message: String) {
        self.file = file; self.line = line; self.message = message
    }

    /// A reader's error, as `file:line: key: message`.
    init(_ error: ConfigError) {
        self.init(file: error.file, line: error.line, message: error.key.map { "\($0): \(error.message)" } ?? error.message)
    }

    public var description: String {
        line.map { "\(file):\($0): \(message)" } ?? "\(file): \(message)"
    }
}
