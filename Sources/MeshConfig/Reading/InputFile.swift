#if canImport(Glibc)
import Glibc
#endif

/// A file mesh-top reads (a config, a scenario, a recording to validate), opened so that every
/// way of failing is one line naming it: missing, a directory, unreadable, or larger than the
/// reader takes. A pipe (`<(zcat run.jsonl.gz)`) reads as a file does.
public struct InputFile: ~Copyable {
    public let path: String
    public let fd: Int32

    public init(path: String) throws(ConfigError) {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            let reason = errno
            throw ConfigError(file: path, message: reason == ENOENT ? "no such file"
                              : reason == EACCES ? "cannot read the file (permission denied)"
                              : "cannot read the file: \(String(cString: strerror(reason)))")
        }
        var info = stat()
        if fstat(fd, &info) == 0, info.st_mode & S_IFMT == S_IFDIR {
            close(fd)
            throw ConfigError(file: path, message: "is a directory, not a file")
        }
        self.path = path
        self.fd = fd
    }

    deinit { close(fd) }

    /// Up to `count` bytes (fewer at the end of the file).
    public func read(upTo count: Int) throws(ConfigError) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: count)
        var done = 0
        while done < count {
            let n = bytes.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress! + done, count - done) }
            if n < 0, errno == EINTR { continue }
            guard n >= 0 else { throw ConfigError(file: path, message: "cannot read the file: \(String(cString: strerror(errno)))") }
            if n == 0 { break }
            done += n
        }
        bytes.removeSubrange(done...)
        return bytes
    }

    /// The rest of the file after the `head` read already (returned with it), refused past
    /// `limit` bytes in all before it is all in memory.
    public func readAll(after head: [UInt8] = [], limit: Int, what: String) throws(ConfigError) -> [UInt8] {
        var bytes = head
        while true {
            let piece = try read(upTo: 1 << 20)
            if piece.isEmpty { return bytes }
            bytes += piece
            guard bytes.count <= limit else {
                throw ConfigError(file: path, message: "larger than \(limit >> 20) MB, more than any \(what) mesh-top reads")
            }
        }
    }
}
