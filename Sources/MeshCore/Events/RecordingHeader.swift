/// Line 1 of a recording: what it is, where it came from, and the mesh it starts from.
public struct RecordingHeader: Codable, Sendable, Equatable {
    public static let format = "mesh-top/recording"
    public static let version = 1

    public var format: String
    public var version: Int
    /// `demo` or `run`.
    public var source: String
    /// RFC 3339 wall-clock time of the start.
    public var started: String
    public var mesh: MeshState

    public init(source: String, started: String, mesh: MeshState) {
        self.format = RecordingHeader.format; self.version = RecordingHeader.version
        self.source = source; self.started = started; self.mesh = mesh
    }
}
