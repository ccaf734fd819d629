import NIOCore

/// Responses the proxy makes itself (no endpoint, bad request, timeout). Rare: allocating is fine.
enum LocalResponse {
    static func make(status: Int, reason: String, close: Bool, allocator: ByteBufferAllocator) -> ByteBuffer {
        let body = reason + "\n"
        var out = allocator.buffer(capacity: 192 + body.utf8.count)
        out.writeString("HTTP/1.1 \(status) \(phrase(status))\r\n")
        out.writeString("content-type: text/plain\r\ncontent-length: \(body.utf8.count)\r\n")
        out.writeString("x-mesh-top-reason: \(reason)\r\n")
        if close { out.writeString("connection: close\r\n") }
        out.writeString("\r\n")
        out.writeString(body)
        return out
    }

    static func phrase(_ status: Int) -> String {
        switch status {
        case 400: "Bad Request"
        case 408: "Request Timeout"
        case 414: "URI Too Long"
        case 431: "Request Header Fields Too Large"
        case 501: "Not Implemented"
        case 502: "Bad Gateway"
        case 503: "Service Unavailable"
        case 504: "Gateway Timeout"
        case 505: "HTTP Version Not Supported"
        default: "Error"
        }
    }
}
