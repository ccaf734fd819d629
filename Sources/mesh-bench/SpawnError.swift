/// A command mesh-bench could not start: one line.
struct SpawnError: Error, CustomStringConvertible {
    var description: String
    init(_ d: String) { description = d }
}
