/// Sizes a reader accepts, so that memory per connection follows configuration, not traffic
/// (as HAProxy's `tune.bufsize` and Envoy's `max_request_headers_kb` do).
public struct HTTP1Limits: Sendable, Equatable {
    /// Start line and fields, blank line included; trailers get the same. Bytes.
    public var maxHeadBytes: Int
    /// One chunk-size line with its extensions, CRLF included. Bytes.
    public var maxChunkLineBytes: Int
    /// Field lines in one head (Envoy's `max_headers_count`, HAProxy's `tune.http.maxhdr`).
    public var maxFields: Int

    /// 64 KiB heads (Envoy's default is 60 KiB, nginx's 4 × 8 KiB), 4 KiB chunk lines, 100 fields
    /// (Envoy's default).
    public init(maxHeadBytes: Int = 64 * 1024, maxChunkLineBytes: Int = 4096, maxFields: Int = 100) {
        self.maxHeadBytes = maxHeadBytes
        self.maxChunkLineBytes = maxChunkLineBytes
        self.maxFields = maxFields
    }
}
