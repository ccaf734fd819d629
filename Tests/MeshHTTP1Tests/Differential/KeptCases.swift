import Testing

/// Inputs on which the readers once disagreed, kept so that they keep agreeing, or keep differing
/// only as `DeliberateDifference` says. Each fix to the reader that a disagreement led to is here.
enum KeptCases {
    struct Case: Sendable, CustomTestStringConvertible {
        var kind: MessageKind
        var text: String
        var testDescription: String { "\(kind) \(text.debugDescription)" }
    }

    static let all: [Case] = [
        // Found bugs, fixed in the reader:
        // "chunked," — a next hop that keeps empty list elements reads the body as a request.
        Case(kind: .request, text: "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked,\r\n\r\n0\r\n\r\n"),
        Case(kind: .response, text: "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked,\r\n\r\n3;a=\"b\"\r\nabc\r\n0\r\n\r\n"),
        // A HTAB after a framing value, which llhttp does not trim.
        Case(kind: .response, text: "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\t\r\n\r\n3\r\nabc\r\n0\r\n\r\n"),
        Case(kind: .response, text: "HTTP/1.1 200 O-K\r\nContent-Length: 2\t\r\n\r\nok"),
        Case(kind: .request, text: "POST /p HTTP/1.1\r\nHost: a\r\nContent-Length:\t5\r\n\r\nhello"),
        // Host is checked in requests only.
        Case(kind: .response, text: "HTTP/1.1 200 OK\r\nHost: a b\r\nContent-Length: 2\r\n\r\nok"),
        // Bytes above 0x7F in a target, which llhttp refuses too.
        Case(kind: .request, text: "PUT /p?q=\u{FF} HTTP/1.1\r\nHost: a\r\nContent-Length: 0\r\n\r\n"),
        // Deliberate, ours stricter:
        Case(kind: .request, text: "GET / HTTP/1.1\r\nHost: a\r\nHost: a\r\n\r\n"),
        Case(kind: .request, text: "POST /p HTTP/1.1\r\n\r\nHost: a\r\nContent-Length: 5\r\n\r\nhello"),
        Case(kind: .response, text: "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\n0\r\n\r\n"),
        Case(kind: .request, text: "PUT /p?q=1 HTTP/1.0\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n5;e=1\r\nhello\r\n0\r\nT: x\r\n\r\n"),
        Case(kind: .request, text: "DELETE /x HTTP/1.1\r\nTransfer-Encoding:\r\nHost: a:80\r\nContent-Length: 0\r\n\r\n"),
        Case(kind: .response, text: "HTTP/1.1 704 No Content\r\nDate: x\r\n\r\n"),
        Case(kind: .response, text: "HTTP/1.1 204 No Con\u{01}ent\r\nDate: x\r\n\r\n"),
        Case(kind: .response, text: "HTTP/1.1 304 Not Modified\r\rETag: \"x\"\r\n\r\n"),
        Case(kind: .request, text: "PUT /p?q=1  HTTP/1.1\r\n\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n"),
        Case(kind: .request, text: "GET / HTTP/1.1\r\nHost: a\r\nUpgrade: websocket\r\nTransfer-Encoding: gzip\r\nConnection: upgrade\r\n\r\n"),
        Case(kind: .response, text: "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3;=\"b\"\r\nabc\r\n0\r\nX-T: 1\r\n\r\n"),
        Case(kind: .response, text: "HTTP/1.0 100 Continue\r\n\r\n\r\n\n"),
        // Deliberate, llhttp stricter:
        Case(kind: .request, text: "OTIONS * HTTP/1.1\r\nHost: a\r\nAccept: */*\r\n\r\n"),
        Case(kind: .response, text: "HTTP/1.1 200 OK\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\n0\r\n\r\n"),
        Case(kind: .response, text: "HTTP/1.1 404 Not Found\r\nTransfer-Encoding: gzip\r\nContent-Length: 0\r\n\r\n"),
        Case(kind: .response, text: "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3 ;a =\"b\"\r\nabc\r\n0\r\n\r\n"),
        // A head llhttp refuses at its first bad byte, ours once it is complete.
        Case(kind: .request, text: "GET / HTTP/1.4\r\nHost: a\r\n\r"),
        Case(kind: .response, text: "HTTP/1.1 304 X\r\r\r\n5\r\nabc\r\n"),
    ]
}
