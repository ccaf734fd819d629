import Glibc
import NIOCore

/// What one request (or TCP connection) did, gathered as it goes, for its access-log line.
/// Only kept when the service has an access log.
struct AccessLogEntry {
    /// Wall-clock start, for `START_TIME` (nanoseconds since the epoch).
    var startWall: Int64 = 0
    /// Monotonic start, for the durations.
    var start = NIODeadline.now()
    /// An HTTP request (else a TCP connection).
    var http = false
    /// The request head's bytes (a slice of what was read: no copy) and where its method and
    /// target are; nil for TCP and for a request refused before its head was whole.
    var head: ByteBuffer?
    var methodEnd = 0
    var targetStart = 0
    var targetEnd = 0
    var isHTTP10 = false
    /// `X-Request-Id`, the client's or ours.
    var requestID: ByteBuffer?
    var status = 0
    var flags = ResponseFlags()
    var bytesReceived = 0
    var bytesSent = 0
    /// The endpoint of the last attempt (-1: none), and when its response head came.
    var slot: Int32 = -1
    var attemptStart = NIODeadline.distantFuture
    var upstreamDone = NIODeadline.distantFuture
    var retries = 0

    init() {}

    /// Starts an entry now.
    static func starting() -> AccessLogEntry {
        var entry = AccessLogEntry()
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        entry.startWall = Int64(now.tv_sec) * 1_000_000_000 + Int64(now.tv_nsec)
        entry.start = .now()
        return entry
    }
}
