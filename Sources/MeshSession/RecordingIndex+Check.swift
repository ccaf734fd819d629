#if canImport(Glibc)
import Glibc
#endif
import Foundation
import MeshConfig
import MeshCore

/// The checks that make an index a cache rather than an authority: each claim is held against
/// the recording's own bytes, and the first that fails is the reason it is stale (said in one
/// line, then the whole recording is read to index it again).
extension RecordingIndex {
    /// Why this index does not stand for the recording open at `fd` (`size` bytes, modified at
    /// `modified`, its header line hashing to `header` and its events starting at `start`);
    /// nil when every claim that decides what plays holds. A few small reads: each keyframe's
    /// first and last bytes, and the recording's last line.
    func mismatch(in fd: Int32, size: Int, modified: Int64, header: String, start: Int) -> String? {
        guard format == Self.format, version == Self.version else { return "not a version \(Self.version) index" }
        guard header == self.header else { return "it belongs to another recording" }
        guard size == self.size, modified == self.modified else { return "the recording changed since it was indexed" }
        guard start == self.start else { return "its events start at byte \(self.start), not \(start) after the header line" }
        if let why = outOfRange() ?? misplaced() ?? wrongEnd(fd) { return why }
        for keyframe in keyframes {
            if let why = wrongKeyframe(keyframe, fd) { return why }
        }
        return wrongDuration(fd)
    }

    /// Numbers no recording has: a time that is not finite, negative or past the last event;
    /// an offset outside the file; a line number before line 2 or past one line per byte; a
    /// line of no bytes or longer than any a recording holds. Checked first, so that the sums
    /// the other checks make cannot overflow.
    private func outOfRange() -> String? {
        guard duration.isFinite, duration >= 0 else { return "its duration \(duration) is not a time" }
        if let k = keyframes.first(where: { !$0.t.isFinite || $0.t < 0 || $0.t > duration }) {
            return "its keyframe on line \(k.line) is at \(k.t) s, outside 0...\(duration)"
        }
        let lines = keyframes.map { ($0.offset, $0.line, $0.length) } + notable.map { ($0.offset, $0.line, $0.length) }
        let file = 0...size, numbers = 2...(size + 2)
        guard file.contains(start), file.contains(end), lines.allSatisfy({ file.contains($0.0) && numbers.contains($0.1) && $0.2 > 0
                                                                             && $0.2 <= RecordingReader.maxLineBytes }),
              cutOffLine.map(numbers.contains) ?? true else { return "its line numbers, offsets or lengths are out of range" }
        return nil
    }

    /// Keyframes and notable events in file order, inside the events, none overlapping another,
    /// line numbers growing with offsets (each line at least its newline); times never going back.
    private func misplaced() -> String? {
        let lines = (keyframes.map { ($0.offset, $0.length, $0.line) } + notable.map { ($0.offset, $0.length, $0.line) })
            .sorted { $0.0 < $1.0 }
        let ordered = zip(lines, lines.dropFirst()).allSatisfy { a, b in
            b.0 > a.0 + a.1 && b.2 > a.2 && b.2 - a.2 <= b.0 - a.0
        }
        let timely = zip(keyframes, keyframes.dropFirst()).allSatisfy { $0.offset < $1.offset && $0.t <= $1.t }
            && zip(notable, notable.dropFirst()).allSatisfy { $0.offset < $1.offset }
        let inside = lines.allSatisfy { $0.0 >= start && $0.0 + $0.1 <= end } && start <= end && end <= size
            && (cutOffLine.map { cut in lines.allSatisfy { $0.2 < cut } } ?? true)
        guard ordered, timely, inside else { return "its offsets are out of order or past the end" }
        return nil
    }

    /// Events end at the file's end, or, when the index says the last line is cut off, after
    /// the last newline, with what follows not a whole event (as `RecordingReader` decides).
    private func wrongEnd(_ fd: Int32) -> String? {
        guard let cut = cutOffLine else {
            return end == size ? nil : "it says the events end at byte \(end) of \(size)"
        }
        let said = "it says line \(cut) is cut off"
        guard end < size, size - end <= RecordingReader.maxLineBytes, end == start || Self.bytes(fd, end - 1..<end) == [0x0A],
              let rest = Self.bytes(fd, end..<size), !rest.contains(0x0A) else { return said + ", and the recording does not end so" }
        let found = rest.withUnsafeBytes { bytes in
            try? RecordingReader.forEachEvent(in: bytes, from: 0, firstLine: cut, mayBeCutOff: true, file: "") { _, _, _ in }
        }
        return found == cut ? nil : said + ", and it is not"
    }

    /// A keyframe line starts where the index says with the bytes it started with, ends after
    /// `length` bytes, and is a keyframe at the index's time.
    private func wrongKeyframe(_ k: Keyframe, _ fd: Int32) -> String? {
        guard let head = k.head, Self.head(fd, at: k.offset, end: end) == head else {
            return "line \(k.line) is not the keyframe it lists: the recording was rewritten"
        }
        let lineEnd = k.offset + k.length
        let tailStart = max(k.offset, lineEnd - Self.tailBytes)
        guard let tail = Self.bytes(fd, tailStart..<min(lineEnd + 1, end)),
              lineEnd == end ? tail.count == lineEnd - tailStart : tail.last == 0x0A else {
            return "line \(k.line) does not end where it lists"
        }
        guard let t = Self.keyframeTime(tail: tail.prefix(lineEnd - tailStart)) ?? Self.eventTime(fd, k.offset..<lineEnd, keyframe: true) else {
            return "line \(k.line) is not a keyframe"
        }
        return t == k.t ? nil : "line \(k.line)'s keyframe is at \(t) s, not \(k.t) s"
    }

    /// `duration` is the last event's time: a larger one would play on after the end (a
    /// `duration` of 1e308 played forever at `--speed max`), a smaller one end play early.
    private func wrongDuration(_ fd: Int32) -> String? {
        guard let lineEnd = Self.lastLineEnd(fd, start: start, end: end) else {
            return duration == 0 && keyframes.isEmpty && notable.isEmpty ? nil : "it lists events the recording does not have"
        }
        let t: Double?
        if let k = keyframes.last, k.offset + k.length == lineEnd {
            t = k.t
        } else if let lineStart = Self.lineStart(fd, before: lineEnd, floor: start) {
            t = Self.eventTime(fd, lineStart..<lineEnd, keyframe: false)
        } else {
            t = nil
        }
        guard let t else { return "its last event does not read" }
        return t == duration ? nil : "its duration is \(duration) s, and the last event is at \(t) s"
    }

    /// How much of a keyframe line's end is read at open: its `t` and `type`, which sort last.
    static let tailBytes = 96

    /// `t` from the end of a keyframe line as `RecordingWriter` writes it (keys sorted:
    /// `…,"t":12.5,"type":"keyframe"}`); nil for any other shape (then the line is decoded).
    static func keyframeTime(tail: some Collection<UInt8>) -> Double? {
        let text = String(decoding: tail, as: UTF8.self)
        let suffix = ",\"type\":\"keyframe\"}"
        guard text.hasSuffix(suffix), let key = text.range(of: ",\"t\":", options: .backwards) else { return nil }
        let number = text[key.upperBound..<text.index(text.endIndex, offsetBy: -suffix.count)]
        // JSON's number grammar only: Double("inf"), "nan" and "0x1p4" are not JSON.
        guard !number.isEmpty, number.allSatisfy({ "0123456789.eE+-".contains($0) }), let t = Double(number), t.isFinite else { return nil }
        return t
    }

    /// The time of the one event in `range` of the file, read as `RecordingReader` reads it;
    /// nil when the bytes are not exactly one event (a keyframe if `keyframe`).
    static func eventTime(_ fd: Int32, _ range: Range<Int>, keyframe: Bool) -> Double? {
        guard let bytes = bytes(fd, range) else { return nil }
        var found: [MeshEvent] = []
        do {
            try bytes.withUnsafeBytes { raw in
                _ = try RecordingReader.forEachEvent(in: raw, from: 0, firstLine: 2, mayBeCutOff: false, file: "") { event, _, _ in
                    found.append(event)
                }
            }
        } catch {
            return nil
        }
        guard found.count == 1, let event = found.first else { return nil }
        if keyframe {
            guard case .keyframe = event.body else { return nil }
        }
        return event.t
    }

    /// Where the last line that holds more than blanks ends (its newline's offset, or `end`);
    /// nil when there is none after `start`, or it cannot be found within a line's length.
    static func lastLineEnd(_ fd: Int32, start: Int, end: Int) -> Int? {
        guard let last = lastByte(fd, before: end, floor: start, where: { ![0x20, 0x09, 0x0D, 0x0A].contains($0) }) else { return nil }
        var at = last + 1
        while at < end, let piece = bytes(fd, at..<min(at + 4096, end)) {
            if let newline = piece.firstIndex(of: 0x0A) { return at + newline }
            at += piece.count
        }
        return end
    }

    /// Where the line ending at `lineEnd` starts (just after a newline, or at `floor`).
    static func lineStart(_ fd: Int32, before lineEnd: Int, floor: Int) -> Int? {
        guard let newline = lastByte(fd, before: lineEnd, floor: floor, where: { $0 == 0x0A }) else {
            return lineEnd - floor <= RecordingReader.maxLineBytes ? floor : nil
        }
        return newline + 1
    }

    /// The offset of the last byte before `end` (and from `floor`) that `matches`, read backwards
    /// in pieces and no further than the longest line a recording has.
    private static func lastByte(_ fd: Int32, before end: Int, floor: Int, where matches: (UInt8) -> Bool) -> Int? {
        var hi = end, piece = 64 << 10
        while hi > floor, end - hi <= RecordingReader.maxLineBytes {
            let lo = max(floor, hi - piece)
            guard let bytes = bytes(fd, lo..<hi) else { return nil }
            if let i = bytes.lastIndex(where: matches) { return lo + i }
            hi = lo
            piece = min(piece * 4, 16 << 20)
        }
        return nil
    }

    /// `range` of the file, whole; nil if it cannot be read to its end.
    static func bytes(_ fd: Int32, _ range: Range<Int>) -> [UInt8]? {
        guard range.lowerBound >= 0 else { return nil }
        var done = 0
        let bytes = [UInt8](unsafeUninitializedCapacity: range.count) { buffer, count in
            while done < range.count {
                let n = pread(fd, buffer.baseAddress! + done, range.count - done, off_t(range.lowerBound + done))
                if n < 0, errno == EINTR { continue }
                guard n > 0 else { break }
                done += n
            }
            count = done
        }
        return done == range.count ? bytes : nil
    }
}
