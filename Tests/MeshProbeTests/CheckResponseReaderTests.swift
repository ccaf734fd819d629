import NIOCore
import Testing
@testable import MeshProbe

/// A check's answer read without sockets: framing, reuse, and bytes split anywhere.
struct CheckResponseReaderTests {
    typealias Outcome = CheckResponseReader.Outcome

    /// Feeds `response` in pieces of `size` bytes and returns the first outcome that is not needMore.
    func scan(_ response: String, pieces size: Int = .max) -> Outcome {
        var scanner = CheckResponseReader()
        let bytes = Array(response.utf8)
        var start = 0
        while start < bytes.count {
            let end = min(bytes.count, start + size)
            var buffer = ByteBuffer(bytes: bytes[start..<end])
            let outcome = scanner.feed(&buffer)
            if outcome != .needMore { return outcome }
            start = end
        }
        return .needMore
    }

    @Test(arguments: [1, 2, 7, .max])
    func contentLength(pieces: Int) {
        #expect(scan("HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nok\n", pieces: pieces) == .complete(status: 200, keepAlive: true))
    }

    @Test(arguments: [1, 3, .max])
    func chunked(pieces: Int) {
        let response = "HTTP/1.1 503 Busy\r\ntransfer-encoding: gzip, Chunked\r\n\r\n3;x=y\r\nabc\r\n10\r\n0123456789abcdef\r\n0\r\nX-T: 1\r\n\r\n"
        #expect(scan(response, pieces: pieces) == .complete(status: 503, keepAlive: true))
    }

    @Test func incompleteBodyNeedsMore() {
        #expect(scan("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nok") == .needMore)
        #expect(scan("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n") == .needMore)
    }

    @Test func connectionCloseAndHTTP10AreNotReused() {
        #expect(scan("HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 0\r\n\r\n") == .complete(status: 200, keepAlive: false))
        #expect(scan("HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n") == .complete(status: 200, keepAlive: false))
        #expect(scan("HTTP/1.0 200 OK\r\nConnection: Keep-Alive\r\nContent-Length: 0\r\n\r\n") == .complete(status: 200, keepAlive: true))
    }

    @Test func bodyUntilCloseCompletesAtTheHead() {
        #expect(scan("HTTP/1.0 200 OK\r\nServer: SimpleHTTP\r\n\r\n<html>") == .complete(status: 200, keepAlive: false))
    }

    @Test func noBodyStatusesAndInformationalResponses() {
        #expect(scan("HTTP/1.1 204 No Content\r\n\r\n") == .complete(status: 204, keepAlive: true))
        #expect(scan("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok") == .complete(status: 200, keepAlive: true))
    }

    @Test func bytesAfterTheResponseStopReuse() {
        #expect(scan("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nokEXTRA") == .complete(status: 200, keepAlive: false))
    }

    @Test func malformedResponses() {
        #expect(scan("SSH-2.0-OpenSSH_9.6\r\n\r\n") == .malformed("malformed status line"))
        #expect(scan("HTTP/1.1 2x0 OK\r\n\r\n") == .malformed("malformed status line"))
        #expect(scan("HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n") == .malformed("malformed Content-Length"))
        #expect(scan("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n") == .malformed("malformed chunk size"))
        #expect(scan("HTTP/1.1 200 OK\r\n" + String(repeating: "X-Pad: 0123456789\r\n", count: 1000)) == .malformed("head too large"))
        // The proxy's rules hold for checks too: one reader for both.
        #expect(scan("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 2\r\n\r\nok") == .malformed("more than one Content-Length"))
        #expect(scan("HTTP/1.1 200 OK\nContent-Length: 2\n\nok") == .malformed("line ends without CR"))
    }

    @Test func resetReadsTheNextResponse() {
        var scanner = CheckResponseReader()
        var first = ByteBuffer(string: "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n")
        #expect(scanner.feed(&first) == .complete(status: 200, keepAlive: true))
        scanner.reset()
        #expect(!scanner.hasStarted)
        var second = ByteBuffer(string: "HTTP/1.1 500 Oops\r\nContent-Length: 0\r\n\r\n")
        #expect(scanner.feed(&second) == .complete(status: 500, keepAlive: true))
    }
}
