import MeshHTTP1
import NIOCore

/// The slow path: a head copied line by line when hop-by-hop fields must go or the connection
/// semantics change (HTTP/1.0, `Connection: close`, fields named in `Connection`, a Content-Length
/// that Transfer-Encoding overrides). Heads reach it already checked by the reader: lines end in
/// CRLF and every field line has a colon.
enum HeadRewriter {
    /// Fields a `Connection` option may never remove (RFC 9110 §7.6.1 lets a sender name any field,
    /// but these frame or route the message): what goes on is framed exactly as the proxy read it.
    static let neverRemoved: Set<String> = ["content-length", "transfer-encoding", "host"]

    /// The fields a connection adds to every head it forwards, with the blank line that ends the
    /// head: `X-Forwarded-For`, and `X-Forwarded-Client-Cert` for a verified client certificate.
    /// nil when there are none. Made once per connection.
    static func tail(forwardedFor: String?, clientCert: String?, allocator: ByteBufferAllocator = ByteBufferAllocator()) -> ByteBuffer? {
        guard forwardedFor != nil || clientCert != nil else { return nil }
        var tail = allocator.buffer(capacity: 64)
        if let ip = forwardedFor { tail.writeString("X-Forwarded-For: \(ip)\r\n") }
        if let clientCert { tail.writeString("X-Forwarded-Client-Cert: \(clientCert)\r\n") }
        tail.writeString("\r\n")
        return tail
    }

    /// The request head as it goes upstream: persistent, hop-by-hop fields removed, any
    /// `X-Forwarded-Client-Cert` the client sent removed (Envoy's `SANITIZE_SET`), then the
    /// connection's `tail` (which sets the listener's own) or the blank line.
    static func request(_ head: ByteBuffer, _ info: RequestHead, tail: ByteBuffer?) -> ByteBuffer {
        var out = ByteBufferAllocator().buffer(capacity: head.readableBytes + 64)
        copy(head, into: &out, keepUpgrade: info.isUpgrade, dropContentLength: false, dropping: "x-forwarded-client-cert")
        if info.isUpgrade {
            out.writeString("Connection: upgrade\r\n")
        } else if info.isHTTP10 {
            // An HTTP/1.0 request stays HTTP/1.0 upstream (so the answer is never chunked),
            // but asks to keep the upstream connection for the pool.
            out.writeString("Connection: keep-alive\r\n")
        }
        if var tail { out.writeBuffer(&tail) } else { out.writeString("\r\n") }
        return out
    }

    /// The response head as it goes to the client, saying whether the client connection stays.
    /// - Parameters:
    ///   - dropTransferEncoding: a 1xx or 204 that announced a body (RFC 9112 §6.1).
    ///   - interim: a 1xx head, which says nothing of the connection.
    static func response(_ head: ByteBuffer, keepAlive: Bool, sayKeepAlive: Bool, dropContentLength: Bool,
                         dropTransferEncoding: Bool = false, interim: Bool = false) -> ByteBuffer {
        var out = ByteBufferAllocator().buffer(capacity: head.readableBytes + 32)
        copy(head, into: &out, keepUpgrade: false, dropContentLength: dropContentLength,
             dropping: dropTransferEncoding ? "transfer-encoding" : nil)
        if !interim, !keepAlive {
            out.writeString("Connection: close\r\n")
        } else if !interim, sayKeepAlive {
            out.writeString("Connection: keep-alive\r\n")
        }
        out.writeString("\r\n")
        return out
    }

    /// Copies the start line and every end-to-end field (without the blank line).
    private static func copy(_ head: ByteBuffer, into out: inout ByteBuffer, keepUpgrade: Bool, dropContentLength: Bool,
                             dropping extra: String? = nil) {
        let bytes = Array(head.readableBytesView)
        let lines = splitLines(bytes)
        guard let start = lines.first else { return }
        out.writeBytes(bytes[start])
        out.writeString("\r\n")
        var named: Set<String> = ["connection", "keep-alive", "proxy-connection"]
        if !keepUpgrade { named.insert("upgrade") }
        for line in lines.dropFirst() {
            guard let (name, value) = split(bytes[line]), name == "connection" else { continue }
            for token in value.split(separator: ",") {
                let t = token.trimmingOWS().lowercased()
                if !(keepUpgrade && t == "upgrade"), !neverRemoved.contains(t) { named.insert(t) }
            }
        }
        if dropContentLength { named.insert("content-length") }
        if let extra { named.insert(extra) }
        for line in lines.dropFirst() {
            guard let (name, _) = split(bytes[line]), !named.contains(name) else { continue }
            out.writeBytes(bytes[line])
            out.writeString("\r\n")
        }
    }

    /// Line ranges without their CRLF, up to the blank line.
    private static func splitLines(_ bytes: [UInt8]) -> [Range<Int>] {
        var lines: [Range<Int>] = []
        var start = 0
        for i in bytes.indices where bytes[i] == 0x0A {
            let end = i > start && bytes[i - 1] == 0x0D ? i - 1 : i
            if end == start { break }
            lines.append(start..<end)
            start = i + 1
        }
        return lines
    }

    private static func split(_ line: ArraySlice<UInt8>) -> (String, String)? {
        guard let colon = line.firstIndex(of: UInt8(ascii: ":")) else { return nil }
        let name = String(decoding: line[line.startIndex..<colon], as: UTF8.self).lowercased()
        let value = String(decoding: line[(colon + 1)...], as: UTF8.self)
        return (name, value)
    }
}

private extension Substring {
    func trimmingOWS() -> Substring {
        var s = self
        while let c = s.first, c == " " || c == "\t" { s.removeFirst() }
        while let c = s.last, c == " " || c == "\t" { s.removeLast() }
        return s
    }
}
