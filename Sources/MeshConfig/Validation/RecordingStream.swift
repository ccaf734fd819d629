import Foundation
public import MeshCore

/// A recording read in pieces as they arrive (from a pipe, or `pread` from a file), for
/// `validate` and for building a replay's index alike: whole lines go through
/// `RecordingReader.forEachEvent`, the piece of a line not ended yet waits for the next piece.
/// Memory stays at a piece plus the longest line; a line longer than
/// `RecordingReader.maxLineBytes` is refused before it is held whole.
public struct RecordingStream {
    public let file: String
    /// The header, once line 1 is in (set at init when the caller read it already).
    public private(set) var header: RecordingHeader?
    private var pending: [UInt8] = []
    /// The file offset of `pending`'s first byte, and its line number.
    private var offset: Int
    private var line: Int
    private var order = RecordingReader.TimeOrder()

    /// From the start of the file: line 1 is the header.
    public init(file: String) {
        self.file = file; offset = 0; line = 1
    }

    /// From the first event line, at `offset`, after a header already read.
    public init(file: String, header: RecordingHeader, eventsFrom offset: Int) {
        self.file = file; self.header = header; self.offset = offset; line = 2
    }

    public typealias Body = (MeshEvent, _ bytes: Range<Int>, _ line: Int) -> Void

    /// Takes the next bytes of the file; `body` gets each whole event line's event, its bytes'
    /// offsets in the file and its number.
    /// `onHeader` hears line 1 when it is read, before any event.
    public mutating func take(_ bytes: some Collection<UInt8>, onHeader: (RecordingHeader) -> Void = { _ in },
                              _ body: Body) throws(ConfigError) {
        let before = pending.count
        pending.append(contentsOf: bytes)
        // Only the new bytes are searched: a long line is not scanned again with each piece.
        guard let last = pending[before...].lastIndex(of: 0x0A) else {
            guard pending.count <= RecordingReader.maxLineBytes else { throw RecordingReader.tooLong(file: file, line: line) }
            return
        }
        try lines(upTo: last + 1, mayBeCutOff: false, onHeader, body)
    }

    /// The end of the file: the line left, if any, may be a crash's cut (its number is returned).
    public mutating func finish(onHeader: (RecordingHeader) -> Void = { _ in }, _ body: Body) throws(ConfigError) -> Int? {
        let cutOff = try lines(upTo: pending.count, mayBeCutOff: true, onHeader, body)
        guard header != nil else { throw ConfigError(file: file, line: 1, message: "empty recording (expected a header line)") }
        return cutOff
    }

    @discardableResult
    private mutating func lines(upTo end: Int, mayBeCutOff: Bool, _ onHeader: (RecordingHeader) -> Void,
                                _ body: Body) throws(ConfigError) -> Int? {
        var start = 0
        if header == nil {
            let headerEnd = pending[..<end].firstIndex(of: 0x0A) ?? end
            guard headerEnd <= RecordingReader.maxLineBytes else { throw RecordingReader.tooLong(file: file, line: 1) }
            let found = try RecordingReader.header(Data(pending[..<headerEnd]), file: file)
            header = found
            onHeader(found)
            start = min(headerEnd + 1, end)
            line = 2
        }
        let first = line, base = offset + start, file = file
        var order = order
        let result: Result<Int?, ConfigError> = pending[start..<end].withUnsafeBytes { raw in
            Result { () throws(ConfigError) in
                try RecordingReader.forEachEvent(in: raw, from: 0, firstLine: first, mayBeCutOff: mayBeCutOff, file: file, order: &order) {
                    body($0, base + $1.lowerBound..<base + $1.upperBound, $2)
                }
            }
        }
        self.order = order
        let cutOff = try result.get()
        line += pending[start..<end].reduce(0) { $1 == 0x0A ? $0 + 1 : $0 }
        offset += end
        pending.removeSubrange(..<end)
        return cutOff
    }
}
