/// Makes request and response heads (with bodies) to compare readers on: well-formed seeds with a
/// few mutations each, and heads assembled at random from pieces that matter to framing.
struct MessageFuzzer {
    /// SplitMix64: small, seedable, the same sequence everywhere.
    struct Random {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        mutating func below(_ n: Int) -> Int { Int(next() % UInt64(n)) }
        mutating func pick<T>(_ items: [T]) -> T { items[below(items.count)] }
        mutating func chance(_ percent: Int) -> Bool { below(100) < percent }
    }

    static let requestSeeds = [
        "GET / HTTP/1.1\r\nHost: a\r\n\r\n",
        "POST /p HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\nhello",
        "PUT /p?q=1 HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n5;e=1\r\nhello\r\n0\r\nT: x\r\n\r\n",
        "GET /x HTTP/1.0\r\nConnection: keep-alive\r\n\r\n",
        "DELETE /x HTTP/1.1\r\nHost: a:80\r\nX-A: b, c\r\nContent-Length: 0\r\n\r\n",
        "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip, chunked\r\n\r\n1\r\na\r\n10\r\n0123456789abcdef\r\n0\r\n\r\n",
        "OPTIONS * HTTP/1.1\r\nHost: a\r\nAccept: */*\r\n\r\n",
    ]

    static let responseSeeds = [
        "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok",
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\n0\r\n\r\n",
        "HTTP/1.0 200 OK\r\nServer: x\r\n\r\nbody",
        "HTTP/1.1 204 No Content\r\nDate: x\r\n\r\n",
        "HTTP/1.1 304 Not Modified\r\nETag: \"x\"\r\n\r\n",
        "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3;a=\"b\"\r\nabc\r\n0\r\nX-T: 1\r\n\r\n",
    ]

    /// Bytes that change how a message is framed or read.
    static let interestingBytes: [UInt8] = [0x0D, 0x0A, 0x00, 0x20, 0x09, 0x3A, 0x2C, 0x3B, 0x22, 0x5C, 0x3D,
                                            0x7F, 0x80, 0xFF, 0x30, 0x35, 0x66, 0x61, 0x41, 0x2D, 0x2F, 0x01]

    static let interestingLines = [
        "Transfer-Encoding: chunked", "Transfer-Encoding: gzip", "Transfer-Encoding: chunked, chunked",
        "Transfer-Encoding: gzip, chunked", "Transfer-Encoding: chunked;x", "Transfer-Encoding:",
        "Content-Length: 3", "Content-Length: 0", "Content-Length: 3, 3", "Content-Length: 03", "Content-Length: +3",
        "Content-Length:  7 ", "Connection: close", "Connection: keep-alive, upgrade", "Upgrade: websocket",
        " folded", "\tfolded", "X: a\rb", "X: a\u{0}b", "Host: b", "Host: a b", "X : y", ": no-name",
        "X-Long: " + String(repeating: "v", count: 40), "Expect: 100-continue", "X:", "x-\u{80}: 1",
    ]

    var random: Random

    init(seed: UInt64) { random = Random(state: seed) }

    /// The next message to read, as bytes.
    mutating func next() -> (MessageKind, [UInt8]) {
        let kind: MessageKind = random.chance(50) ? .request : .response
        var bytes = random.chance(85)
            ? Array(random.pick(kind == .request ? Self.requestSeeds : Self.responseSeeds).utf8)
            : assemble(kind)
        for _ in 0..<(1 + random.below(3)) { mutate(&bytes) }
        return (kind, bytes)
    }

    /// A head built from a start line, a few lines that matter to framing, and a body.
    private mutating func assemble(_ kind: MessageKind) -> [UInt8] {
        var text = kind == .request
            ? random.pick(["GET", "POST", "PUT", "HEAD", "PATCH"]) + " " + random.pick(["/", "/a?b", "*", "http://h/p"]) + " "
                + random.pick(["HTTP/1.1", "HTTP/1.0", "HTTP/1.1", "HTTP/1.2"]) + "\r\n"
            : random.pick(["HTTP/1.1", "HTTP/1.0", "HTTP/1.1"]) + " " + random.pick(["200 OK", "204 No Content", "304 X", "500 E", "200", "100 Continue"]) + "\r\n"
        if kind == .request, random.chance(90) { text += "Host: a\r\n" }
        for _ in 0..<random.below(4) { text += random.pick(Self.interestingLines) + "\r\n" }
        text += "\r\n"
        text += random.pick(["", "abc", "3\r\nabc\r\n0\r\n\r\n", "0\r\n\r\n", "5\r\nabc\r\n", "hello world"])
        return Array(text.utf8)
    }

    private mutating func mutate(_ bytes: inout [UInt8]) {
        guard !bytes.isEmpty else { return }
        let at = random.below(bytes.count)
        switch random.below(7) {
        case 0: bytes[at] = random.pick(Self.interestingBytes)
        case 1: bytes.insert(random.pick(Self.interestingBytes), at: at)
        case 2: bytes.remove(at: at)
        case 3:
            // A line inserted after the start line.
            if let eol = bytes.firstIndex(of: 0x0A) {
                bytes.insert(contentsOf: Array((random.pick(Self.interestingLines) + "\r\n").utf8), at: eol + 1)
            }
        case 4:
            // A line repeated.
            let lines = bytes.split(separator: 0x0A, omittingEmptySubsequences: false)
            if lines.count > 2 {
                let line = lines[1 + random.below(lines.count - 2)]
                if let eol = bytes.firstIndex(of: 0x0A) { bytes.insert(contentsOf: Array(line) + [0x0A], at: eol + 1) }
            }
        case 5:
            // A digit changed: lengths and chunk sizes.
            if let digit = bytes.indices.filter({ (0x30...0x39).contains(bytes[$0]) }).randomElement(using: &random) {
                bytes[digit] = UInt8(0x30 + random.below(10))
            }
        default:
            // Cut short.
            bytes.removeLast(min(bytes.count, 1 + random.below(4)))
        }
    }
}

extension MessageFuzzer.Random: RandomNumberGenerator {}
