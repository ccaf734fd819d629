/// When a certificate in use is read again: when it is due (an issued one near the end of its
/// life), or when its files changed on disk (size, modification time or inode) — and a changed
/// set that failed to load is not tried again until it changes once more, so a broken file is
/// reported once rather than at every look. The certificate in use stays until a load succeeds,
/// as Envoy's SDS file watch and HAProxy's `set ssl cert` keep the old one on a bad update.
public struct CertificateReload: Sendable {
    /// What a reload came to.
    public enum Outcome<Value> {
        case loaded(Value)
        case failed(any Error)
    }

    /// The changed file set that last failed to load.
    private var refused: FileStamp?

    public init() {}

    /// Loads again with `load` when `due`, or when `watchFiles` and the files behind `inUse` have
    /// changed into a set not refused before; nil when neither holds (nothing was read).
    public mutating func reload<Value>(_ inUse: FileStamp, due: Bool = false, watchFiles: Bool = true,
                                       load: () throws -> Value) -> Outcome<Value>? {
        let stamp = inUse.now()
        guard due || (watchFiles && stamp != inUse && stamp != refused) else { return nil }
        do {
            let fresh = try load()
            refused = nil
            return .loaded(fresh)
        } catch {
            refused = stamp
            return .failed(error)
        }
    }
}
