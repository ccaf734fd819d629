#if canImport(Glibc)
import Glibc
#endif
import Foundation
public import MeshCore
import MeshConfig
import NIOConcurrencyHelpers

/// Spans and notable events read from the file, and the index's claims that only a read span
/// can check: line numbers, keyframes it left out, the notable events it lists. One found false
/// is said (`notice`) and the whole recording read to index it again, and the read is made
/// again with the new index: play goes on. A span that does not read with an index made from
/// the file itself is the file's fault (changed or damaged since it was opened): an error, one
/// line naming the file and line.
extension RecordingFile {
    /// Why a span showed the index wrong.
    struct Untrue: Error { var reason: String }

    public func events(inSpan k: Int) throws -> [MeshEvent] {
        try checking { index, trusted in try events(inSpan: k, of: index, checking: !trusted) }
    }

    public func notableEvents(beforeSpan k: Int, limit: Int) throws -> [MeshEvent] {
        try checking { index, trusted in try notableEvents(beforeSpan: k, limit: limit, of: index, checking: !trusted) }
    }

    /// `body` with the index as it stands; once more with one made from the whole file if
    /// `body` found it untrue.
    private func checking<T>(_ body: (RecordingIndex, Bool) throws -> T) throws -> T {
        let (index, trusted) = checked.withLockedValue { ($0.index, $0.trusted) }
        do {
            return try body(index, trusted)
        } catch let untrue as Untrue {
            notice("\(RecordingIndex.path(for: path)): stale (\(untrue.reason)); reading the whole recording to index it again")
            let made = try indexAgain(replacing: index)
            return try body(made, true)
        }
    }

    /// An index made from the whole file, written beside it, keeping the keyframes play has
    /// been told of (each was checked at open: they are the file's), so that span k stays span k.
    private func indexAgain(replacing listed: RecordingIndex) throws(RecordingError) -> RecordingIndex {
        guard let (size, modified) = RecordingIndex.stat(fd), size == listed.size else {
            throw RecordingError(file: path, message: "changed since it was opened (its size is not the same)")
        }
        var made = try Self.build(fd, path: path, header: header, size: size, modified: modified, fingerprint: fingerprint,
                                  start: start, write: true)
        let found = Dictionary(made.keyframes.map { ($0.offset, $0) }, uniquingKeysWith: { a, _ in a })
        let kept = listed.keyframes.compactMap { found[$0.offset] }
        guard kept.count == listed.keyframes.count else {
            throw RecordingError(file: path, message: "changed since it was opened (a keyframe is no longer where it was)")
        }
        made.keyframes = kept
        checked.withLockedValue { $0 = Checked(index: made, trusted: true) }
        return made
    }

    /// Span k's events; with `checking`, each line's number, kind and (for notable ones) place
    /// held against the index.
    private func events(inSpan k: Int, of index: RecordingIndex, checking: Bool) throws -> [MeshEvent] {
        let keyframes = index.keyframes
        let from = k == 0 ? index.start : keyframes[k - 1].offset
        let to = k < keyframes.count ? keyframes[k].offset : index.end
        let firstLine = k == 0 ? 2 : keyframes[k - 1].line
        let bytes = try Self.read(fd, from..<to, path: path)
        var events: [MeshEvent] = []
        var notable: [RecordingIndex.Line] = []
        try read(bytes, firstLine: firstLine) { event, range, line in
            events.append(event)
            if event.isNotable { notable.append(.init(offset: from + range.lowerBound, line: line, length: range.count)) }
        }
        if k > 0 {
            guard case .keyframe = events.first?.body, events.first?.t == keyframes[k - 1].t else {
                if checking { throw Untrue(reason: "line \(keyframes[k - 1].line) is not the keyframe at \(keyframes[k - 1].t) s it lists") }
                throw RecordingError(file: path, line: keyframes[k - 1].line,
                                     message: "not the keyframe its index lists (the recording changed since it was opened)")
            }
        }
        guard checking else { return events }
        if let left = events.dropFirst(k > 0 ? 1 : 0).first(where: { if case .keyframe = $0.body { true } else { false } }) {
            throw Untrue(reason: "it leaves out the keyframe at \(left.t) s")
        }
        let lines = bytes.reduce(0) { $1 == 0x0A ? $0 + 1 : $0 } + (bytes.last.map { $0 == 0x0A ? 0 : 1 } ?? 0)
        let next = k < keyframes.count ? keyframes[k].line : index.cutOffLine
        if let next, next != firstLine + lines {
            throw Untrue(reason: "it numbers line \(firstLine + lines) as \(next)")
        }
        let listed = index.notable.filter { (from..<to).contains($0.offset) }
        guard listed == notable else { throw Untrue(reason: "its notable events between lines \(firstLine) and \(firstLine + lines) are not the recording's") }
        return events
    }

    /// The last `limit` notable events before span k; with `checking`, each entry must be one
    /// whole line holding a notable event no later than keyframe k.
    private func notableEvents(beforeSpan k: Int, limit: Int, of index: RecordingIndex, checking: Bool) throws -> [MeshEvent] {
        let before = k == 0 ? index.start : index.keyframes[k - 1].offset
        let latest = k == 0 ? 0 : index.keyframes[k - 1].t
        let notable = index.notable
        var lo = 0, hi = notable.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if notable[mid].offset < before { lo = mid + 1 } else { hi = mid }
        }
        var found: [MeshEvent] = []
        for entry in notable[max(0, lo - limit)..<lo] {
            // With the newline before it and the one after (or the end of the events).
            let upper = min(entry.offset + entry.length + 1, index.end)
            let bytes = try Self.read(fd, entry.offset - 1..<upper, path: path)
            let whole = bytes.first == 0x0A && (upper == index.end && upper == entry.offset + entry.length || bytes.last == 0x0A)
            var events: [MeshEvent] = []
            do {
                try read(Array(bytes[1..<(1 + entry.length)]), firstLine: entry.line) { event, _, _ in events.append(event) }
            } catch {
                guard checking else { throw error }
                throw Untrue(reason: "line \(entry.line) is not the notable event it lists")
            }
            if checking, !whole || events.count != 1 || events.contains(where: { !$0.isNotable || $0.t > latest }) {
                throw Untrue(reason: "line \(entry.line) is not the notable event it lists")
            }
            found += events
        }
        return found
    }

    /// The events in `bytes`, whose first line is number `firstLine`, with each one's bytes and line.
    private func read(_ bytes: [UInt8], firstLine: Int, _ body: (MeshEvent, Range<Int>, Int) -> Void) throws {
        try bytes.withUnsafeBytes { buffer in
            _ = try RecordingReader.forEachEvent(in: buffer, from: 0, firstLine: firstLine, mayBeCutOff: false, file: path, body)
        }
    }
}
