#if canImport(Glibc)
import Glibc
#endif
public import Foundation
public import MeshCore
import MeshConfig

/// A recording opened for replay without reading it whole: its header, its index
/// (`RecordingIndex`), and the spans between keyframes, read from the file when play or a seek
/// reaches them. Opening an hour of 1,000 endpoints (about a gigabyte) reads the header and the
/// index; a seek reads one keyframe, the notable events before it and the events after it.
///
/// Without an index that stands for the file (none, stale, unreadable) the open reads the whole
/// recording through `RecordingReader`, as `validate` does, so a damaged line is refused with
/// the same message before anything plays; the index it makes is written beside the file for
/// the next open (in place of a stale one, or from `sidecarThreshold` bytes: smaller ones are
/// read whole in milliseconds).
public final class RecordingFile: ReplaySource {
    public let path: String
    public let header: RecordingHeader
    public let index: RecordingIndex
    public let keyframeTimes: [Double]
    private let fd: Int32

    /// 4 MiB: about 40 ms to read whole at the reader's 100 MB/s.
    static let sidecarThreshold = 4 << 20

    private init(path: String, header: RecordingHeader, index: RecordingIndex, fd: Int32) {
        self.path = path; self.header = header; self.index = index; self.fd = fd
        keyframeTimes = index.keyframes.map(\.t)
    }

    deinit { close(fd) }

    public var duration: Double { index.duration }

    /// Opens `path`; `notice` hears why an index beside it was not used (then it is made again).
    public static func open(path: String, notice: (String) -> Void = { _ in }) throws(RecordingError) -> RecordingFile {
        let fd = Glibc.open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw RecordingError(file: path, message: errno == ENOENT ? "no such file" : "cannot read") }
        do throws(RecordingError) {
            guard let (size, modified) = RecordingIndex.stat(fd) else { throw RecordingError(file: path, message: "cannot read") }
            let line = try headerLine(fd, size: size, path: path)
            let header: RecordingHeader
            do { header = try RecordingReader.header(line, file: path) } catch { throw RecordingError(error) }
            let fingerprint = RecordingIndex.fingerprint(line)
            var index = sidecar(for: path, size: size, modified: modified, header: fingerprint, notice: notice)
            if index == nil {
                // One that was there but did not stand is replaced, whatever the size.
                let replacing = FileManager.default.fileExists(atPath: RecordingIndex.path(for: path))
                index = try build(path, size: size, modified: modified, header: fingerprint, start: min(line.count + 1, size),
                                  write: replacing || size >= sidecarThreshold)
            }
            return RecordingFile(path: path, header: header, index: index!, fd: fd)
        } catch {
            close(fd)
            throw error
        }
    }

    public func events(inSpan k: Int) throws -> [MeshEvent] {
        let keyframes = index.keyframes
        let from = k == 0 ? index.start : keyframes[k - 1].offset
        let to = k < keyframes.count ? keyframes[k].offset : index.end
        var events: [MeshEvent] = []
        try read(from..<to, firstLine: k == 0 ? 2 : keyframes[k - 1].line) { events.append($0) }
        if k > 0 {
            guard case .keyframe = events.first?.body, events.first?.t == keyframes[k - 1].t else {
                throw RecordingError(file: path, line: keyframes[k - 1].line,
                                     message: "not the keyframe its index lists (the recording changed since it was opened)")
            }
        }
        return events
    }

    public func notableEvents(beforeSpan k: Int, limit: Int) throws -> [MeshEvent] {
        let before = k == 0 ? index.start : index.keyframes[k - 1].offset
        let notable = index.notable
        var lo = 0, hi = notable.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if notable[mid].offset < before { lo = mid + 1 } else { hi = mid }
        }
        var found: [MeshEvent] = []
        for entry in notable[max(0, lo - limit)..<lo] {
            try read(entry.offset..<entry.offset + entry.length, firstLine: entry.line) { found.append($0) }
        }
        return found
    }

    /// The events in `range` of the file, whose first line is number `firstLine`.
    private func read(_ range: Range<Int>, firstLine: Int, _ body: (MeshEvent) -> Void) throws {
        let bytes = try Self.read(fd, range, path: path)
        try bytes.withUnsafeBytes { buffer in
            _ = try RecordingReader.forEachEvent(in: buffer, from: 0, firstLine: firstLine, mayBeCutOff: false, file: path) { event, _, _ in
                body(event)
            }
        }
    }

    private static func read(_ fd: Int32, _ range: Range<Int>, path: String) throws(RecordingError) -> [UInt8] {
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

    /// Line 1, read in growing pieces up to its newline (a large mesh's header runs to megabytes).
    private static func headerLine(_ fd: Int32, size: Int, path: String) throws(RecordingError) -> Data {
        var piece = 64 << 10
        while true {
            let bytes = try read(fd, 0..<min(piece, size), path: path)
            if let newline = bytes.firstIndex(of: 0x0A) { return Data(bytes[..<newline]) }
            if bytes.count == size { return Data(bytes) }
            piece *= 4
        }
    }

    /// The index beside `path` if it stands for the file as it is; nil (and a notice) if not.
    private static func sidecar(for path: String, size: Int, modified: Int64, header: String,
                                notice: (String) -> Void) -> RecordingIndex? {
        let sidecar = RecordingIndex.path(for: path)
        guard let data = FileManager.default.contents(atPath: sidecar) else { return nil }
        guard let index = try? JSONDecoder().decode(RecordingIndex.self, from: data) else {
            notice("\(sidecar): not a readable recording index; reading the whole recording to index it again")
            return nil
        }
        if let why = index.mismatch(size: size, modified: modified, header: header) {
            notice("\(sidecar): stale (\(why)); reading the whole recording to index it again")
            return nil
        }
        return index
    }

    /// Reads the whole recording (validating every line) into an index, and writes it beside
    /// if asked to.
    private static func build(_ path: String, size: Int, modified: Int64, header: String,
                              start: Int, write: Bool) throws(RecordingError) -> RecordingIndex {
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: path), options: .alwaysMapped) } catch {
            throw RecordingError(file: path, message: "cannot read")
        }
        var builder = RecordingIndex.Builder()
        let result: Result<Int?, ConfigError> = data.withUnsafeBytes { bytes in
            Result { () throws(ConfigError) in
                try RecordingReader.forEachEvent(in: bytes, from: start, firstLine: 2, mayBeCutOff: true, file: path) {
                    builder.add($0, bytes: $1, line: $2)
                }
            }
        }
        let cutOff: Int?
        do { cutOff = try result.get() } catch { throw RecordingError(error) }
        let end = cutOff == nil ? data.count : (data.lastIndex(of: 0x0A).map { $0 + 1 } ?? data.count)
        let index = builder.index(size: data.count, modified: modified, header: header, start: start, end: end, cutOffLine: cutOff)
        // A file that grew while it was read (still being recorded) is indexed again next time.
        if write, data.count == size { try? index.write(for: path) }
        return index
    }
}
