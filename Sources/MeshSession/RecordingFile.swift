#if canImport(Glibc)
import Glibc
#endif
public import Foundation
public import MeshCore
import MeshConfig
import NIOConcurrencyHelpers

/// A recording opened for replay without reading it whole: its header, its index
/// (`RecordingIndex`), and the spans between keyframes, read from the file when play or a seek
/// reaches them. Opening an hour of 1,000 endpoints (about a gigabyte) reads the header and the
/// index; a seek reads one keyframe, the notable events before it and the events after it.
///
/// Without an index that stands for the file (none, stale, unreadable, or one whose claims the
/// file does not bear out) the open reads the whole recording through `RecordingReader`, as
/// `validate` does, so a damaged line is refused with the same message before anything plays;
/// the index it makes is written beside the file for the next open (in place of a stale one, or
/// from `sidecarThreshold` bytes: smaller ones are read whole in milliseconds). What the open
/// cannot check cheaply (line numbers, notable events, keyframes left out) is checked as each
/// span is read; a claim found false there is said once and the index made again the same way,
/// and play goes on (`RecordingFile+Spans`).
public final class RecordingFile: ReplaySource {
    public let path: String
    public let header: RecordingHeader
    let fd: Int32
    /// The header line's fingerprint and where the events start: what an index made again needs.
    let fingerprint: String
    let start: Int
    /// Hears, once each, why an index was not used (at open, or when a span showed it wrong).
    let notice: @Sendable (String) -> Void

    struct Checked {
        var index: RecordingIndex
        /// Made from the whole file by this process: nothing left to check as spans are read.
        var trusted: Bool
    }
    let checked: NIOLockedValueBox<Checked>

    /// 4 MiB: about 40 ms to read whole at the reader's 100 MB/s.
    static let sidecarThreshold = 4 << 20

    private init(path: String, header: RecordingHeader, index: RecordingIndex, trusted: Bool, fd: Int32, fingerprint: String,
                 start: Int, notice: @escaping @Sendable (String) -> Void) {
        self.path = path; self.header = header; self.fd = fd
        self.fingerprint = fingerprint; self.start = start; self.notice = notice
        checked = NIOLockedValueBox(Checked(index: index, trusted: trusted))
    }

    deinit { close(fd) }

    /// The index as it stands: as read beside the file, or as made again.
    public var index: RecordingIndex { checked.withLockedValue { $0.index } }
    public var keyframeTimes: [Double] { checked.withLockedValue { $0.index.keyframes.map(\.t) } }
    public var duration: Double { checked.withLockedValue { $0.index.duration } }

    /// Opens `path`; `notice` hears why an index beside it was not used (then it is made again),
    /// at open or later, from the thread that reads a span. A pipe (`replay <(zcat run.jsonl.gz)`)
    /// is copied to a temporary file first, said once, so that it seeks as a file does; it gets
    /// no index beside it.
    public static func open(path: String, notice: @escaping @Sendable (String) -> Void = { _ in }) throws(RecordingError) -> RecordingFile {
        var fd = Glibc.open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            let reason = errno
            throw RecordingError(file: path, message: reason == ENOENT ? "no such file" + (path == "-" ? " (for standard input, give /dev/stdin)" : "")
                                 : "cannot read: \(String(cString: strerror(reason)))")
        }
        do throws(RecordingError) {
            var info = Glibc.stat()
            guard fstat(fd, &info) == 0 else { throw RecordingError(file: path, message: "cannot read: \(String(cString: strerror(errno)))") }
            let kind = info.st_mode & S_IFMT
            if kind == S_IFDIR { throw RecordingError(file: path, message: "is a directory, not a recording") }
            let spooled = kind != S_IFREG
            if spooled {
                let copy = try spool(fd, path: path)
                close(fd)
                fd = copy
                notice("\(path): not a file (a pipe?): read whole into a temporary file to replay it")
            }
            guard let (size, modified) = RecordingIndex.stat(fd) else { throw RecordingError(file: path, message: "cannot read") }
            let line = try headerLine(fd, size: size, path: path)
            let header: RecordingHeader
            do { header = try RecordingReader.header(line, file: path) } catch { throw RecordingError(error) }
            let fingerprint = RecordingIndex.fingerprint(line)
            let start = min(line.count + 1, size)
            var index = spooled ? nil : sidecar(for: path, fd: fd, size: size, modified: modified, header: fingerprint, start: start,
                                                notice: notice)
            let trusted = index == nil
            if index == nil {
                // One that was there but did not stand is replaced, whatever the size.
                let replacing = !spooled && FileManager.default.fileExists(atPath: RecordingIndex.path(for: path))
                index = try build(fd, path: path, header: header, size: size, modified: modified, fingerprint: fingerprint,
                                  start: start, write: !spooled && (replacing || size >= sidecarThreshold))
            }
            return RecordingFile(path: path, header: header, index: index!, trusted: trusted, fd: fd, fingerprint: fingerprint,
                                 start: start, notice: notice)
        } catch {
            close(fd)
            throw error
        }
    }

    /// A pipe's bytes in an unlinked temporary file (gone when closed), read to its end.
    private static func spool(_ fd: Int32, path: String) throws(RecordingError) -> Int32 {
        let directory = ProcessInfo.processInfo.environment["TMPDIR"].flatMap { $0.isEmpty ? nil : $0 } ?? "/tmp"
        var template = Array("\(directory)/mesh-top-replay-XXXXXX".utf8CString)
        let copy = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        if copy >= 0 { _ = fcntl(copy, F_SETFD, FD_CLOEXEC) }
        guard copy >= 0 else { throw RecordingError(file: path, message: "cannot copy the pipe to \(directory): \(String(cString: strerror(errno)))") }
        template.withUnsafeBufferPointer { _ = unlink($0.baseAddress!) }
        var buffer = [UInt8](repeating: 0, count: 1 << 20)
        // What no recording holds ends the copy at once: an endless device (/dev/zero) or a
        // stream that is not lines would otherwise fill the disk before the first line is read.
        var line = 1
        var lineBytes = 0
        var copied = 0
        while true {
            let n = buffer.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if n < 0, errno == EINTR { continue }
            if n == 0 { return copy }
            if n > 0 {
                buffer.withUnsafeBytes { bytes in
                    var at = 0
                    while let hit = memchr(bytes.baseAddress! + at, 0x0A, n - at) {
                        at = bytes.baseAddress!.distance(to: UnsafeRawPointer(hit)) + 1
                        line += 1
                        lineBytes = 0
                    }
                    lineBytes += n - at
                }
                copied += n
                if lineBytes > RecordingReader.maxLineBytes {
                    close(copy)
                    throw RecordingError(RecordingReader.tooLong(file: path, line: line))
                }
                if copied % (64 << 20) < n, !Self.hasRoom(copy) {
                    close(copy)
                    throw RecordingError(file: path, message: "cannot copy the pipe to \(directory): less than \(Self.spareBytes >> 20) MB would be left free")
                }
            }
            var failure = n < 0 ? errno : 0
            var done = 0
            while failure == 0, done < n {
                let w = buffer.withUnsafeBytes { Glibc.write(copy, $0.baseAddress! + done, n - done) }
                if w < 0, errno == EINTR { continue }
                if w <= 0 { failure = w < 0 ? errno : EIO } else { done += w }
            }
            if failure != 0 {
                close(copy)
                throw RecordingError(file: path, message: "cannot copy the pipe to \(directory): \(String(cString: strerror(failure)))")
            }
        }
    }

    /// Room a pipe's copy leaves on its file system, at the least.
    static let spareBytes = 256 << 20

    /// Whether the file system of `fd` still has `spareBytes` free for others.
    private static func hasRoom(_ fd: Int32) -> Bool {
        var info = statvfs()
        guard fstatvfs(fd, &info) == 0 else { return true }
        return UInt64(info.f_bavail) * UInt64(info.f_frsize) > UInt64(spareBytes)
    }

    static func read(_ fd: Int32, _ range: Range<Int>, path: String) throws(RecordingError) -> [UInt8] {
        var done = 0, failure: Int32 = 0
        let bytes = [UInt8](unsafeUninitializedCapacity: range.count) { buffer, count in
            while done < range.count {
                let n = pread(fd, buffer.baseAddress! + done, range.count - done, off_t(range.lowerBound + done))
                if n < 0, errno == EINTR { continue }
                if n < 0 { failure = errno }
                guard n > 0 else { break }
                done += n
            }
            count = done
        }
        guard failure == 0 else { throw RecordingError(file: path, message: "cannot read: \(String(cString: strerror(failure)))") }
        guard done == range.count else {
            throw RecordingError(file: path, message: "ends at byte \(range.lowerBound + done), before its index's \(range.upperBound) (cut short since it was opened)")
        }
        return bytes
    }

    /// Line 1, read in growing pieces up to its newline (a large mesh's header runs to
    /// megabytes), and no further than the longest line a recording has.
    private static func headerLine(_ fd: Int32, size: Int, path: String) throws(RecordingError) -> Data {
        var piece = 64 << 10
        while true {
            let bytes = try read(fd, 0..<min(piece, size), path: path)
            if let newline = bytes.firstIndex(of: 0x0A) { return Data(bytes[..<newline]) }
            if bytes.count == size { return Data(bytes) }
            guard piece <= RecordingReader.maxLineBytes else {
                throw RecordingError(RecordingReader.tooLong(file: path, line: 1))
            }
            piece *= 4
        }
    }

    /// The index beside `path` if it stands for the file as it is; nil (and a notice) if not.
    private static func sidecar(for path: String, fd: Int32, size: Int, modified: Int64, header: String, start: Int,
                                notice: (String) -> Void) -> RecordingIndex? {
        let sidecar = RecordingIndex.path(for: path)
        var info = Glibc.stat()
        guard stat(sidecar, &info) == 0 else { return nil }
        // A FIFO there would block the open forever, waiting for a writer.
        guard info.st_mode & S_IFMT == S_IFREG else {
            notice("\(sidecar): not a file; reading the whole recording instead")
            return nil
        }
        // Each entry is shorter than the line it lists: an index larger than its recording is
        // none of it, and is not read (a gigabyte of index would be held whole to decode it).
        guard Int(info.st_size) <= size + 4096 else {
            notice("\(sidecar): stale (larger than its recording); reading the whole recording to index it again")
            return nil
        }
        guard let data = FileManager.default.contents(atPath: sidecar) else { return nil }
        guard let index = try? JSONDecoder().decode(RecordingIndex.self, from: data) else {
            notice("\(sidecar): not a readable recording index; reading the whole recording to index it again")
            return nil
        }
        if let why = index.mismatch(in: fd, size: size, modified: modified, header: header, start: start) {
            notice("\(sidecar): stale (\(why)); reading the whole recording to index it again")
            return nil
        }
        return index
    }

    /// Reads the whole recording (validating every line) into an index, and writes it beside
    /// if asked to. Read in pieces (`RecordingStream`), not mapped: a file cut short while it
    /// is read is an error to say, where a mapping would fault on the missing pages.
    static func build(_ fd: Int32, path: String, header: RecordingHeader, size: Int, modified: Int64,
                      fingerprint: String, start: Int, write: Bool) throws(RecordingError) -> RecordingIndex {
        var builder = RecordingIndex.Builder()
        var stream = RecordingStream(file: path, header: header, eventsFrom: start)
        var at = start, lastNewline = start
        let piece = 8 << 20
        let cutOff: Int?
        do {
            while at < size {
                let bytes = try read(fd, at..<min(at + piece, size), path: path)
                if let newline = bytes.lastIndex(of: 0x0A) { lastNewline = at + newline + 1 }
                try stream.take(bytes) { builder.add($0, bytes: $1, line: $2) }
                at += bytes.count
            }
            cutOff = try stream.finish { builder.add($0, bytes: $1, line: $2) }
        } catch let error as ConfigError {
            throw RecordingError(error)
        } catch {
            throw error as! RecordingError
        }
        let end = cutOff == nil ? size : lastNewline
        let built = builder.index(size: size, modified: modified, header: fingerprint, start: start, end: end, cutOffLine: cutOff)
        guard let index = built.stampingHeads(from: fd) else {
            throw RecordingError(file: path, message: "changed while it was read (cut short?)")
        }
        // A file that grew while it was read (still being recorded) is indexed again next time.
        if write, RecordingIndex.stat(fd)?.size == size { try? index.write(for: path) }
        return index
    }
}
