import MeshHTTP1
import NIOCore
import Testing

/// The reader over a connection's reads: heads and bodies in place, nothing copied on the common
/// path, nothing kept past a head limit.
@Suite struct HTTP1ReaderTests {
    @Test func aWellFormedRequestIsHandedOnWithoutCopying() throws {
        var reader = HTTP1Reader()
        var read = ByteBuffer(string: "POST /a HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\n\r\nhelloGET")
        let base = read.withUnsafeReadableBytes { UInt(bitPattern: $0.baseAddress) }
        reader.append(&read)
        let (head, headBytes) = try #require(try reader.readRequestHead())
        let body = try #require(try reader.readBody())
        // Slices of the read itself: same memory, no copy.
        #expect(headBytes.withUnsafeReadableBytes { UInt(bitPattern: $0.baseAddress) } == base)
        #expect(body.withUnsafeReadableBytes { UInt(bitPattern: $0.baseAddress) } == base + UInt(head.length))
        #expect(String(buffer: body) == "hello" && reader.bodyComplete && reader.bufferedBytes == 3)
    }

    @Test func headsSplitAnywhereAreFound() throws {
        let text = Array("GET /x HTTP/1.1\r\nHost: h\r\nX-A: 1\r\n\r\n".utf8)
        for split in 1..<text.count {
            var reader = HTTP1Reader()
            var first = ByteBuffer(bytes: text[..<split])
            reader.append(&first)
            #expect(try reader.readRequestHead() == nil)
            var second = ByteBuffer(bytes: text[split...])
            reader.append(&second)
            let head = try #require(try reader.readRequestHead()).0
            #expect(head.length == text.count, "split at \(split)")
        }
    }

    @Test func aHeadThatNeverEndsStopsAtTheLimit() throws {
        var reader = HTTP1Reader(limits: HTTP1Limits(maxHeadBytes: 100))
        var start = ByteBuffer(string: "GET / HTTP/1.1\r\nX: ")
        reader.append(&start)
        for _ in 0..<3 {
            var more = ByteBuffer(string: String(repeating: "a", count: 20))
            reader.append(&more)
            #expect(try reader.readRequestHead() == nil)
        }
        var last = ByteBuffer(string: String(repeating: "a", count: 40))
        reader.append(&last)
        #expect(throws: HTTP1Violation.headTooLarge) { _ = try reader.readRequestHead() }
    }

    @Test func interimResponsesComeBeforeTheFinalOne() throws {
        var reader = HTTP1Reader()
        var read = ByteBuffer(string: "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")
        reader.append(&read)
        let interim = try #require(try reader.readResponseHead(requestMethod: .post)).0
        #expect(interim.status == 100 && reader.bodyComplete)
        let final = try #require(try reader.readResponseHead(requestMethod: .post)).0
        #expect(final.status == 200 && !reader.bodyComplete)
        #expect(try reader.readBody().map { String(buffer: $0) } == "ok" && reader.bodyComplete)
    }

    @Test func storageIsLetGoOnceEverythingIsHandedOn() throws {
        var reader = HTTP1Reader()
        var read = ByteBufferAllocator().buffer(capacity: 65536)
        read.writeString("GET / HTTP/1.1\r\nHost: h\r\n\r\n")
        var handed = read
        reader.append(&handed)
        handed = ByteBuffer()
        _ = try reader.readRequestHead()
        reader.releaseIfEmpty()
        // Were the reader still holding the read's storage, writing to it would copy it first.
        let before = read.withUnsafeReadableBytes { UInt(bitPattern: $0.baseAddress) }
        read.writeString("x")
        #expect(read.withUnsafeReadableBytes { UInt(bitPattern: $0.baseAddress) } == before)
    }
}
