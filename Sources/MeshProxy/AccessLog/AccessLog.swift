public import MeshOutput
import NIOCore

/// A service's access log: one line per request (HTTP) or connection (TCP), written by each
/// event loop into a buffer of its own and handed to `writer` every tick (at most 100 ms) or
/// when it fills, so that the request path takes no lock per request.
///
/// The text format is Envoy's default format string (envoyproxy.io, "Access logging", default
/// format) with its user-agent and authority left out and HAProxy's `httplog` client address,
/// endpoint (`backend/server`) and retries added:
///
/// ```
/// [START_TIME] "METHOD PATH PROTOCOL" STATUS FLAGS BYTES_RECEIVED BYTES_SENT DURATION UPSTREAM_TIME "CLIENT" "X-REQUEST-ID" "UPSTREAM_HOST" SERVICE/ENDPOINT RETRIES
/// [2026-11-30T22:00:00.123Z] "GET /cart HTTP/1.1" 200 - 87 1432 15 12 "127.0.0.1:53122" "0b4e…" "127.0.0.1:9001" web/web-1 0
/// [2026-11-30T22:00:01.007Z] "TCP - -" - UF 0 0 3 - "127.0.0.1:53130" "-" "127.0.0.1:9101" db/db-1 1
/// ```
///
/// START_TIME is UTC with milliseconds; DURATION (request start to the response's last byte)
/// and UPSTREAM_TIME (the last attempt's start to its response head: Envoy's
/// `x-envoy-upstream-service-time`, HAProxy's Tr; for TCP the connect time) are milliseconds;
/// bytes count heads and bodies both ways (HAProxy's bytes_read); FLAGS are `ResponseFlags`;
/// an unset field is `-`, a status the client never got is 0, as in Envoy. With
/// `format: json`, one object per line with Envoy's operator names in snake case.
public final class AccessLog: Sendable {
    public enum Format: Sendable { case text, json }

    public let format: Format
    let service: [UInt8]
    let writer: LineWriter

    public init(service: String, format: Format, writer: LineWriter) {
        self.service = Array(service.utf8)
        self.format = format
        self.writer = writer
    }

    /// Appends `e`'s line to `out`; `client`, `upstream` and `endpoint` as text. On a TLS
    /// listener (`tls`) the line ends with the client certificate's identity, Envoy's
    /// `%DOWNSTREAM_PEER_URI_SAN%` (its URI SAN, else DNS name, else subject; `-` without one);
    /// plain listeners' lines do not have the field.
    func append(_ e: AccessLogEntry, client: [UInt8], upstream: [UInt8]?, endpoint: [UInt8]?, tls: Bool = false, peer: [UInt8]? = nil,
                to out: inout [UInt8]) {
        let now = NIODeadline.now()
        var line = AccessLogLine(out: out, json: format == .json)
        out = []
        line.begin()
        line.time(e.startWall)
        if let head = e.head {
            line.request(head, methodEnd: e.methodEnd, targetStart: e.targetStart, targetEnd: e.targetEnd, isHTTP10: e.isHTTP10)
        } else {
            line.noRequest()
        }
        line.number("response_code", e.http ? e.status : nil)
        line.flags(e.flags)
        line.number("bytes_received", e.bytesReceived)
        line.number("bytes_sent", e.bytesSent)
        line.number("duration", Self.milliseconds(e.start, now))
        let answered = e.attemptStart != .distantFuture && e.upstreamDone != .distantFuture
        line.number("upstream_service_time", answered ? Self.milliseconds(e.attemptStart, e.upstreamDone) : nil)
        line.string("downstream_remote_address", quoted: true) { $0.raw(client) }
        line.string("x_request_id", quoted: true, present: e.requestID != nil) { l in if let id = e.requestID { l.escaped(id) } }
        line.string("upstream_host", quoted: true, present: upstream != nil) { l in if let upstream { l.raw(upstream) } }
        line.string("endpoint", quoted: false, present: endpoint != nil) { l in
            guard let endpoint else { return }
            l.raw(service)
            l.byte(UInt8(ascii: "/"))
            l.raw(endpoint)
        }
        line.number("upstream_retries", e.retries)
        if tls {
            line.string("downstream_peer_uri_san", quoted: true, present: peer != nil) { l in
                if let peer { peer.withUnsafeBytes { l.escaped($0) } }
            }
        }
        line.end()
        out = line.out
    }

    static func milliseconds(_ start: NIODeadline, _ end: NIODeadline) -> Int {
        end > start ? Int((end - start).nanoseconds / 1_000_000) : 0
    }
}
