import Foundation

/// Size, modification time and inode of a few files: a change in any is a change to reload
/// (a file replaced by rename, as cert-manager and our CA write them, changes its inode).
public struct FileStamp: Sendable, Equatable {
    private var parts: [Part]

    private struct Part: Sendable, Equatable {
        var path: String
        var size: Int
        var modified: Date
        var inode: Int
    }

    public init(_ paths: [String]) {
        parts = paths.map { path in
            let info = (try? FileManager.default.attributesOfItem(atPath: path)) ?? [:]
            return Part(path: path, size: (info[.size] as? Int) ?? -1,
                        modified: (info[.modificationDate] as? Date) ?? .distantPast,
                        inode: (info[.systemFileNumber] as? Int) ?? 0)
        }
    }

    /// The same files, as they are now.
    public func now() -> FileStamp { FileStamp(parts.map(\.path)) }
}
