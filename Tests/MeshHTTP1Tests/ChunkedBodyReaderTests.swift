import MeshHTTP1
import NIOCore
import Testing

/// Chunked framing (RFC 9112 §7.1): where a body ends, at any split of its bytes, and what breaks it.
@Suite struct ChunkedBodyReaderTests {
    static let limits = HTTP1Limits(maxHeadBytes: 256, maxChunkLineBytes: 32)

    /// Bytes of `body` taken as the body, read in two parts split at `split`.
    func read(_ body: [UInt8], split: Int) throws(HTTP1Violation) -> (consumed: Int, done: Bool) {
        var reader = ChunkedBodyReader(limits: Self.limits)
        var consumed = 0
        for part in [body[0..<split], body[split...]] where !reader.isDone {
            let bytes = Array(part)
            let result = bytes.withUnsafeBytes { p in Result { () throws(HTTP1Violation) in try reader.read(p) } }
            consumed += try result.get()
        }
        return (consumed, reader.isDone)
    }

    static let goodBodies = [
        "4\r\nWiki\r\n5\r\npedia\r\n0\r\n\r\n",
        "4;ext=1\r\nWiki\r\n0\r\nTrailer: x\r\nOther:\r\n\r\n",
        "a ; name = \"quo\\\"ted\" ;flag\r\n0123456789\r\n0;last\r\n\r\n",
        "000000000000000000003\r\nabc\r\n00\r\n\r\n",
        "A\r\n0123456789\r\n0\r\n\r\n",
        // Names that only begin or end like a forbidden trailer field.
        "0\r\nContent-Lengths: 1\r\nHos: x\r\nX-Host: y\r\nContent-Type: z\r\n\r\n",
    ]

    @Test(arguments: goodBodies)
    func endIsFoundAtEverySplit(_ text: String) throws {
        let body = Array((text + "NEXT").utf8)
        for split in 0...body.count {
            let (consumed, done) = try read(body, split: split)
            #expect(done && consumed == body.count - 4, "split at \(split)")
        }
    }

    static let badBodies: [(String, HTTP1Violation)] = [
        ("g\r\n", .chunkSize),
        ("\r\n", .chunkSize),
        ("5g\r\n", .chunkSize),
        ("-5\r\n", .chunkSize),
        ("5\nhello\r\n", .bareLineFeed),
        ("5\rhello\r\n", .bareCarriageReturn),
        ("5 \r\nhello\r\n", .chunkExtension),
        ("5;\r\nhello\r\n", .chunkExtension),
        ("5;a=\r\nhello\r\n", .chunkExtension),
        ("5;a=\"x\r\nhello\r\n", .bareCarriageReturn),
        ("5;a=b c\r\nhello\r\n", .chunkExtension),
        ("5;a\nb\r\nhello\r\n", .bareLineFeed),
        ("5;a=(\r\nhello\r\n", .chunkExtension),
        ("fffffffffffffffff\r\n", .chunkSizeOverflow),
        ("5;" + String(repeating: "x", count: 40) + "\r\n", .chunkLineTooLong),
        ("5\r\nhelloX\r\n", .chunkDataEnd),
        ("5\r\nhello\rX", .chunkDataEnd),
        ("5\r\nhello\n0\r\n\r\n", .chunkDataEnd),
        ("0\r\nX: a\rb\r\n\r\n", .bareCarriageReturn),
        ("0\r\nX: a\nb\r\n\r\n", .bareLineFeed),
        ("0\r\nX : a\r\n\r\n", .trailerField),
        ("0\r\n X: a\r\n\r\n", .obsoleteLineFolding),
        ("0\r\nX: \u{0}\r\n\r\n", .trailerField),
        ("0\r\n\n", .bareLineFeed),
        // RFC 9110 §6.5.1: nothing that frames, routes or hops.
        ("0\r\nContent-Length: 5\r\n\r\n", .trailerForbidden),
        ("0\r\nTRANSFER-ENCODING: chunked\r\n\r\n", .trailerForbidden),
        ("0\r\nX: 1\r\nhost: evil\r\n\r\n", .trailerForbidden),
        ("0\r\nConnection: close\r\n\r\n", .trailerForbidden),
        ("0\r\n\rX", .bareCarriageReturn),
        ("0\r\n" + String(repeating: "X: 0123456789\r\n", count: 20) + "\r\n", .trailersTooLarge),
    ]

    @Test(arguments: badBodies)
    func brokenBodiesAreRefused(_ text: String, _ rule: HTTP1Violation) {
        let body = Array(text.utf8)
        for split in [0, body.count / 2, body.count] {
            #expect(throws: rule, "\(text.debugDescription) split at \(split)") { _ = try read(body, split: split) }
        }
    }

    @Test func bodyReaderHandsOnSlicesUpToTheEnd() throws {
        var buffer = ByteBuffer(string: "3\r\nabc\r\n0\r\n\r\nGET /next")
        var body = BodyReader(.chunked)
        let slice = try #require(try body.take(from: &buffer))
        #expect(String(buffer: slice) == "3\r\nabc\r\n0\r\n\r\n" && body.isDone)
        #expect(String(buffer: buffer) == "GET /next")
        var fixed = BodyReader(.length(4))
        var parts = ByteBuffer(string: "ab")
        #expect(try fixed.take(from: &parts).map { String(buffer: $0) } == "ab" && !fixed.isDone)
        parts = ByteBuffer(string: "cdef")
        #expect(try fixed.take(from: &parts).map { String(buffer: $0) } == "cd" && fixed.isDone)
    }
}
