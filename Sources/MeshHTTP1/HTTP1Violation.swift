/// A rule of RFC 9112 / RFC 9110 that a message broke: the one place where the reader's rules are
/// listed, each with its source. A proxy cannot forward such a message safely: the next hop may
/// read its framing differently (request smuggling, response splitting; RFC 9112 §11).
public enum HTTP1Violation: UInt8, Error, Sendable, CaseIterable {
    // MARK: Lines

    /// A line ends in LF without CR. RFC 9112 §2.2 lets a recipient accept a bare LF, but a proxy
    /// that forwards bytes as they came cannot: a CRLF-only next hop would see other lines.
    case bareLineFeed
    /// A CR not followed by LF, anywhere in a head or a chunk line (RFC 9112 §2.2: reject, or
    /// replace with SP before forwarding — we reject).
    case bareCarriageReturn

    // MARK: Start lines

    /// `method SP request-target SP HTTP-version CRLF`, one SP each (RFC 9112 §3).
    case requestLine
    /// The method is not a `token` (RFC 9110 §9.1, §5.6.2).
    case method
    /// A control, SP or DEL in the request-target, or a target of none of its four forms
    /// (RFC 9112 §3.2).
    case requestTarget
    /// `HTTP-version SP status-code SP reason-phrase CRLF` (RFC 9112 §4), a reason of
    /// `HTAB / SP / VCHAR / obs-text`.
    case statusLine
    /// A status code outside 100–599 (RFC 9110 §15: such values are invalid).
    case statusCode
    /// A 101 to a request that asked no upgrade (or one the proxy did not pass on), or without
    /// an Upgrade field (RFC 9110 §15.2.2, §7.8).
    case switchingProtocols
    /// `HTTP-name "/" DIGIT "." DIGIT`, but not 1.0 or 1.1 (RFC 9112 §2.3): 505 for a request.
    case unsupportedVersion

    // MARK: Fields

    /// A field name that is not a `token` (RFC 9110 §5.1), or a line with no colon (RFC 9112 §5).
    case fieldName
    /// Whitespace between a field name and its colon (RFC 9112 §5.1: MUST reject with 400).
    case whitespaceBeforeColon
    /// A line that starts with SP or HTAB: obs-fold, or whitespace before the first field
    /// (RFC 9112 §5.2, §2.2: reject, or replace — we reject).
    case obsoleteLineFolding
    /// NUL, another control or DEL in a field value (RFC 9110 §5.5).
    case fieldValue

    // MARK: Framing

    /// Content-Length that is not `1*DIGIT`, or too large (RFC 9110 §8.6).
    case contentLength
    /// More than one Content-Length, even equal ones (RFC 9112 §6.3 item 5: a list or repeated
    /// values are an unrecoverable error unless the recipient rewrites them; we forward bytes).
    case repeatedContentLength
    /// Transfer-Encoding and Content-Length in one request (RFC 9112 §6.3 item 3: smuggling; a
    /// server MAY reject, and must close after it — we reject).
    case contentLengthWithTransferEncoding
    /// A request whose final transfer coding is not `chunked` (RFC 9112 §6.3 item 4: 400 and close).
    case chunkedNotFinal
    /// `chunked` applied twice, or with parameters (RFC 9112 §7: at most once; it has none).
    case chunkedMisused
    /// A request transfer coding other than `chunked` alone (`gzip, chunked`, `identity,
    /// chunked`): RFC 9112 §6.1 lets a server answer 501 to a coding it does not understand, and
    /// the bytes go on unchanged, so a next hop that reads the list its own way would frame the
    /// body apart from mesh-top (HAProxy refuses these too).
    case transferCodingNotImplemented
    /// A Transfer-Encoding list with no coding, or a coding that is not a `token` (RFC 9112 §6.1).
    case transferEncoding
    /// Transfer-Encoding in an HTTP/1.0 message (RFC 9112 §6.1: the framing is faulty).
    case transferEncodingInHTTP10
    /// An HTTP/1.1 request without Host, with two, or with a value that is not an authority
    /// (RFC 9112 §3.2: MUST respond 400); or a Host that names another authority than an
    /// absolute-form target (RFC 9112 §3.2.2: the target's wins, so the two would route apart;
    /// HAProxy refuses it too).
    case host

    // MARK: Size limits

    /// A head larger than the configured limit: 431 to a client (RFC 6585 §5), 502 from an origin.
    case headTooLarge
    /// A request line longer than the head limit: 414 (RFC 9112 §3: a server that receives a
    /// request-target longer than any URI it wishes to parse MUST respond 414).
    case uriTooLong
    /// More field lines than the configured limit: 431 to a client (Envoy's `max_headers_count`,
    /// 100 by default; HAProxy's `tune.http.maxhdr`, 101), 502 from an origin.
    case tooManyFields
    /// A chunk-size line (size and extensions) longer than the configured limit.
    case chunkLineTooLong
    /// A trailer section larger than the configured head limit.
    case trailersTooLarge

    // MARK: Chunked bodies (RFC 9112 §7.1)

    /// `chunk-size = 1*HEXDIG`, nothing else before the extensions or the CRLF (RFC 9112 §7.1).
    case chunkSize
    /// A chunk size that does not fit in 62 bits.
    case chunkSizeOverflow
    /// `chunk-ext = *( BWS ";" BWS name [ BWS "=" BWS ( token / quoted-string ) ] )` (RFC 9112 §7.1.1).
    case chunkExtension
    /// Chunk data not followed by exactly CRLF (RFC 9112 §7.1).
    case chunkDataEnd
    /// A trailer field line that is not `field-name ":" OWS field-value OWS` (RFC 9112 §7.1.2).
    case trailerField
    /// A trailer field that frames, routes or hops — Content-Length, Transfer-Encoding, Host,
    /// Connection — (RFC 9110 §6.5.1: such fields cannot be sent in trailers). The trailers go on
    /// as they came, and a next hop that merges them into the head would read them.
    case trailerForbidden

    /// The status a proxy answers a client with when its request breaks this rule.
    public var requestStatus: Int {
        switch self {
        case .headTooLarge, .tooManyFields: 431
        case .uriTooLong: 414
        case .unsupportedVersion: 505
        case .transferCodingNotImplemented: 501
        default: 400
        }
    }

    /// One line for a log or an `x-mesh-top-reason` header.
    public var reason: String {
        switch self {
        case .bareLineFeed: "line ends without CR"
        case .bareCarriageReturn: "CR not followed by LF"
        case .requestLine: "malformed request line"
        case .method: "malformed method"
        case .requestTarget: "invalid character in request target"
        case .statusLine: "malformed status line"
        case .statusCode: "status code outside 100-599"
        case .switchingProtocols: "101 to a request that asked no upgrade, or without Upgrade"
        case .unsupportedVersion: "only HTTP/1.0 and HTTP/1.1 are supported"
        case .fieldName: "malformed field name"
        case .whitespaceBeforeColon: "whitespace before a field's colon"
        case .obsoleteLineFolding: "folded field line"
        case .fieldValue: "invalid character in field value"
        case .contentLength: "malformed Content-Length"
        case .repeatedContentLength: "more than one Content-Length"
        case .contentLengthWithTransferEncoding: "both Content-Length and Transfer-Encoding"
        case .chunkedNotFinal: "chunked is not the final transfer coding"
        case .chunkedMisused: "chunked applied twice or with parameters"
        case .transferCodingNotImplemented: "a transfer coding other than chunked"
        case .transferEncoding: "malformed Transfer-Encoding"
        case .transferEncodingInHTTP10: "Transfer-Encoding in an HTTP/1.0 message"
        case .host: "missing, repeated or malformed Host"
        case .headTooLarge: "head too large"
        case .uriTooLong: "request line too long"
        case .tooManyFields: "too many header fields"
        case .chunkLineTooLong: "chunk line too long"
        case .trailersTooLarge: "trailers too large"
        case .chunkSize: "malformed chunk size"
        case .chunkSizeOverflow: "chunk size too large"
        case .chunkExtension: "malformed chunk extension"
        case .chunkDataEnd: "chunk data not followed by CRLF"
        case .trailerField: "malformed trailer field"
        case .trailerForbidden: "a trailer field that frames, routes or hops"
        }
    }
}
