import MeshHTTP1
import NIOCore
import NIOEmbedded
import NIOHTTP1

/// What a parser makes of one message: where it ends, that it is broken, or that it needs more.
enum Verdict: Equatable, CustomStringConvertible {
    case incomplete
    case rejected
    /// The message ends just before this offset.
    case accepted(end: Int)
    /// A response body that runs until the connection closes.
    case acceptedAtClose

    var description: String {
        switch self {
        case .incomplete: "incomplete"
        case .rejected: "rejected"
        case .accepted(let end): "ends at \(end)"
        case .acceptedAtClose: "ends at close"
        }
    }
}

enum MessageKind: String, Sendable { case request, response }

/// The project's reader, as the proxy uses it.
enum OurReader {
    /// The verdict and, when refused, the rule broken.
    static func verdict(_ kind: MessageKind, _ bytes: [UInt8]) -> (Verdict, HTTP1Violation?) {
        var reader = HTTP1Reader()
        var buffer = ByteBuffer(bytes: bytes)
        reader.append(&buffer)
        do {
            switch kind {
            case .request:
                guard try reader.readRequestHead() != nil else { return (.incomplete, nil) }
            case .response:
                // 1xx heads are passed on by the proxy and the final one follows, as llhttp does.
                var final = false
                while !final {
                    guard let (head, _) = try reader.readResponseHead(requestMethod: .get) else { return (.incomplete, nil) }
                    final = head.status >= 200 || head.status == 101
                }
            }
            while try reader.readBody() != nil {}
        } catch {
            return (.rejected, error)
        }
        if reader.body.isUntilClose { return (.acceptedAtClose, nil) }
        guard reader.bodyComplete else { return (.incomplete, nil) }
        return (.accepted(end: bytes.count - reader.bufferedBytes), nil)
    }
}

/// NIOHTTP1's decoder, which runs llhttp with its default (strict) settings: fed one byte at a
/// time, so that the byte at which it finishes the message is known exactly.
enum LLHTTPReader {
    static func verdict(_ kind: MessageKind, _ bytes: [UInt8]) -> Verdict {
        switch kind {
        case .request:
            let channel = EmbeddedChannel(handler: ByteToMessageHandler(HTTPRequestDecoder(leftOverBytesStrategy: .forwardBytes)))
            defer { _ = try? channel.finish() }
            return feed(channel, bytes, HTTPServerRequestPart.self) { if case .end = $0 { true } else { false } }
        case .response:
            let channel = EmbeddedChannel(handler: ByteToMessageHandler(HTTPResponseDecoder(leftOverBytesStrategy: .forwardBytes)))
            defer { _ = try? channel.finish() }
            // The decoder learns from the request it answers (HEAD has no body).
            _ = try? channel.writeOutbound(HTTPClientRequestPart.head(HTTPRequestHead(version: .http1_1, method: .GET, uri: "/")))
            let isEnd: (HTTPClientResponsePart) -> Bool = { if case .end = $0 { true } else { false } }
            let verdict = feed(channel, bytes, HTTPClientResponsePart.self, isEnd)
            guard verdict == .incomplete else { return verdict }
            // At the close, a body that runs until close ends; anything else is cut short.
            channel.pipeline.fireChannelInactive()
            while let part = try? channel.readInbound(as: HTTPClientResponsePart.self) {
                if isEnd(part) { return .acceptedAtClose }
            }
            return .incomplete
        }
    }

    private static func feed<Part>(_ channel: EmbeddedChannel, _ bytes: [UInt8], _ type: Part.Type,
                                   _ isEnd: (Part) -> Bool) -> Verdict {
        for (i, byte) in bytes.enumerated() {
            do {
                try channel.writeInbound(ByteBuffer(bytes: [byte]))
                while let part = try channel.readInbound(as: Part.self) {
                    if isEnd(part) { return .accepted(end: i + 1) }
                }
            } catch {
                return .rejected
            }
        }
        return .incomplete
    }
}
