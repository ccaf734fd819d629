/// Why TLS material cannot be used, in one line that names the file and what is wrong with it
/// (`web.pem: the certificate expired on 2025-01-02`), or the handshake and who took part.
public struct TLSError: Error, CustomStringConvertible, Sendable, Equatable {
    /// The file at fault, when there is one.
    public var file: String?
    public var message: String

    public init(file: String? = nil, _ message: String) {
        self.file = file
        self.message = message
    }

    public var description: String { file.map { "\($0): \(message)" } ?? message }
}
