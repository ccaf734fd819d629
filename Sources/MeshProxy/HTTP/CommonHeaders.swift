/// The headers requests and responses share that the proxy acts on: body framing, `Connection`
/// tokens and hop-by-hop headers. Filled in one pass over the head, in place.
struct CommonHeaders {
    var contentLength: Int?
    var transferEncoding = false
    /// `chunked` is the last transfer coding (the only framing a proxy may rely on).
    var chunkedLast = false
    var connection = ConnectionTokens()
    var hasHopByHopHeader = false

    /// Reads one header if it is one of these; false when it is not.
    @inline(__always)
    mutating func read(_ p: UnsafeRawBufferPointer, _ n0: Int, _ n1: Int, _ v0: Int, _ v1: Int) throws(HeadError) -> Bool {
        typealias Scanner = HTTPHeadScanner
        switch n1 - n0 {
        case 14 where Scanner.equalsLower(p, n0, "content-length"):
            let value = try Scanner.parseLength(p, v0, v1)
            if let seen = contentLength, seen != value { throw .badRequest }
            contentLength = value
        case 17 where Scanner.equalsLower(p, n0, "transfer-encoding"):
            transferEncoding = true
            chunkedLast = Scanner.lastTokenIsChunked(p, v0, v1)
        case 10 where Scanner.equalsLower(p, n0, "connection"):
            Scanner.readConnection(p, v0, v1, into: &connection)
        case 10 where Scanner.equalsLower(p, n0, "keep-alive"), 16 where Scanner.equalsLower(p, n0, "proxy-connection"):
            hasHopByHopHeader = true
        default:
            return false
        }
        return true
    }
}
