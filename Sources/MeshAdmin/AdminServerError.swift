/// Why the admin API could not start, in one line.
public struct AdminServerError: Error, CustomStringConvertible, Sendable {
    public var description: String
    init(_ description: String) { self.description = description }
}
