import Foundation
import MeshHTTP1

/// Where the project's reader and llhttp (as NIOHTTP1 runs it) disagree on purpose: each entry
/// says which side is stricter and the rule that makes it so. Anything else is a bug in one of them.
enum DeliberateDifference {
    /// Ours refuses by these rules where llhttp lets the message through.
    static let stricterRules: [HTTP1Violation: String] = [
        .host: "RFC 9112 §3.2: a server MUST answer 400 to a request without Host, with two, or with a bad value; llhttp does not look",
        .chunkedMisused: "RFC 9112 §7: chunked at most once and without parameters; llhttp takes the last coding",
        .transferCodingNotImplemented: "RFC 9112 §6.1: a request coding other than chunked alone gets 501, as HAProxy refuses it; llhttp takes chunked last",
        .transferEncodingInHTTP10: "RFC 9112 §6.1: Transfer-Encoding in HTTP/1.0 means faulty framing; llhttp honours it",
        .transferEncoding: "RFC 9112 §6.1: a Transfer-Encoding with no coding, or one that is not a token; llhttp ignores it",
        .statusCode: "RFC 9110 §15: status codes outside 100–599 are invalid; llhttp takes any three digits",
        .requestTarget: "RFC 9112 §3.2: a target in none of the four forms; llhttp's URL parser differs in detail",
        .chunkExtension: "RFC 9112 §7.1.1: an extension is `token [= token / quoted-string]`; llhttp lets an empty name by",
        .bareCarriageReturn: "RFC 9112 §2.2: a CR not followed by LF is refused; llhttp takes one in a status line as its end",
        .tooManyFields: "limits: more field lines than max_headers_count (Envoy's max_headers_count); llhttp counts none",
        .uriTooLong: "limits: a request line longer than the head limit gets 414 (RFC 9112 §3); llhttp has no limit",
        .trailerForbidden: "RFC 9110 §6.5.1: trailers may not frame, route or hop; llhttp passes them on",
        .switchingProtocols: "RFC 9110 §15.2.2: judged by the exchange, never by the reader",
    ]

    /// The reason for a known, deliberate disagreement, or nil.
    static func explaining(_ kind: MessageKind, _ bytes: [UInt8], ours: Verdict, rule: HTTP1Violation?,
                           llhttp: Verdict, completing: Bool = true) -> String? {
        let text = String(decoding: bytes, as: UTF8.self)
        let head = (text.components(separatedBy: "\r\n\r\n").first ?? text).lowercased()
        let hasLength = head.contains("\r\ncontent-length:"), hasCoding = head.contains("\r\ntransfer-encoding:")
        switch (ours, llhttp) {
        case (.incomplete, _) where completing:
            // Ours reads a head once all of it is there; llhttp stops at the first bad byte, or
            // ends a head where ours sees none (a CR alone). Compared again once complete.
            let completed = bytes + Array("\r\n\r\n".utf8)
            let (finished, finishedRule) = OurReader.verdict(kind, completed)
            if finished == .rejected, llhttp == .rejected { return "a head is read whole: refused once complete" }
            // Still waiting for a body: what llhttp refused is judged as if ours had taken the head.
            let judged = finished == .incomplete ? .accepted(end: completed.count) : finished
            return explaining(kind, completed, ours: judged, rule: finishedRule, llhttp: llhttp, completing: false)
        case (.rejected, .incomplete) where completing && kind == .request && !text.contains("\r\n\r\n"):
            // Ours checks a request line as soon as it has arrived (an HTTP/0.9 request gets its
            // 400 at once); llhttp reads on. Compared again once the head is complete.
            let completed = bytes + Array("\r\n\r\n".utf8)
            let theirs = LLHTTPReader.verdict(kind, completed)
            if theirs == .rejected { return "a request line is checked once it has arrived: refused once complete" }
            return explaining(kind, completed, ours: .rejected, rule: rule, llhttp: theirs, completing: false)
        case (.rejected, _):
            guard let rule else { return nil }
            if let why = stricterRules[rule] { return why }
            if rule == .contentLengthWithTransferEncoding, head.contains("\r\ntransfer-encoding:\r\n") {
                return "an empty Transfer-Encoding is still Transfer-Encoding beside Content-Length (RFC 9112 §6.3 item 3); llhttp ignores it"
            }
            if rule == .requestLine, head.split(separator: "\r\n").first?.contains("  ") == true {
                return "RFC 9112 §3: one SP between the parts of a request line; llhttp accepts several"
            }
            if rule == .chunkedNotFinal, head.contains("\r\nupgrade:") {
                return "RFC 9112 §6.3 item 4 holds for upgrade requests too; llhttp skips their framing"
            }
            if rule == .statusLine, kind == .response, text.contains("\r\n\r\n\r\n") || text.contains("\r\n\r\n\n") {
                return "RFC 9112 §2.2 skips empty lines before a request only; llhttp skips them before a response too"
            }
            if rule == .statusLine, kind == .response,
               head.split(separator: "\r\n").first?.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) == true {
                return "RFC 9112 §4: no control or DEL in a reason phrase; llhttp lets them by"
            }
            return nil
        case (.accepted, .rejected), (.acceptedAtClose, .rejected):
            if kind == .request, let method = text.split(separator: " ").first, !llhttpMethods.contains(String(method)) {
                return "RFC 9110 §9.1: methods are tokens a proxy passes on; llhttp knows a fixed list"
            }
            if kind == .response, hasLength, hasCoding {
                return "RFC 9112 §6.3 items 3–4: Transfer-Encoding wins and the proxy drops Content-Length; llhttp refuses both"
            }
            if text.range(of: #"\r\n[0-9a-fA-F]+([ \t]|;[^\r\n]*[ \t])"#, options: .regularExpression) != nil {
                return "RFC 9110 §5.6.3: BWS around a chunk extension's ';' and '=' must be accepted; llhttp refuses it"
            }
            if kind == .request, rule == nil, head.hasPrefix("options * ") == false, text.split(separator: " ").count > 1,
               text.split(separator: " ")[1].first.map({ $0 != "/" && $0 != "*" }) == true {
                return "RFC 9112 §3.2: absolute- and authority-form targets; llhttp's URL parser differs in detail"
            }
            return nil
        default:
            return nil
        }
    }

    /// The methods llhttp 9 accepts in a request line.
    static let llhttpMethods: Set<String> = [
        "DELETE", "GET", "HEAD", "POST", "PUT", "CONNECT", "OPTIONS", "TRACE", "COPY", "LOCK", "MKCOL", "MOVE",
        "PROPFIND", "PROPPATCH", "SEARCH", "UNLOCK", "BIND", "REBIND", "UNBIND", "ACL", "REPORT", "MKACTIVITY",
        "CHECKOUT", "MERGE", "M-SEARCH", "NOTIFY", "SUBSCRIBE", "UNSUBSCRIBE", "PATCH", "PURGE", "MKCALENDAR",
        "LINK", "UNLINK", "SOURCE", "QUERY",
    ]
}
