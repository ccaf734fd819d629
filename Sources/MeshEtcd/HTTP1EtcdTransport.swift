import Foundation
public import MeshCore
public import MeshTLS
public import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL

/// `EtcdTransport` over HTTP/1.1 on SwiftNIO, in TLS when `tls` is given: one short
/// connection per call (registrations and keep-alives are rare), one long one per watch.
public struct HTTP1EtcdTransport: EtcdTransport {
    public let group: any EventLoopGroup
    public let tls: ClientTLS?

    /// `tls`'s files, verifying each member's host name or IP address too (NIOSSL checks an IP
    /// against the certificate's IP SANs when no SNI name is sent).
    private let context: NIOSSLContext?

    public init(group: any EventLoopGroup, tls: ClientTLS? = nil) {
        self.group = group
        self.tls = tls
        context = tls.map { tls in
            guard tls.settings.verify, var config = try? ClientTLS.configuration(tls.settings).0 else { return tls.context }
            config.certificateVerification = .fullVerification
            return (try? NIOSSLContext(configuration: config)) ?? tls.context
        }
    }

    public func post(_ path: String, body: [UInt8], to member: EtcdCluster.Member, authorization: String?, timeout: TimeAmount) -> EventLoopFuture<[UInt8]> {
        let loop = group.next()
        let answer = loop.makePromise(of: [UInt8].self)
        // A member that takes the connection and never answers (frozen, overloaded) is a
        // failure after `timeout`, never a hang.
        let timer = loop.scheduleTask(in: timeout) {
            answer.fail(EtcdError("\(member): no answer to \(path) in \(timeout.nanoseconds / 1_000_000_000) s", kind: .unreachable))
        }
        answer.futureResult.whenComplete { _ in timer.cancel() }
        let channel = connect(member, path: path, body: body, authorization: authorization, timeout: timeout,
                              reader: { EtcdAnswerReader(member: member, whole: answer) })
        channel.whenFailure { answer.fail(EtcdError("\(member): \(Self.reason($0))", kind: .unreachable)) }
        answer.futureResult.whenComplete { _ in channel.whenSuccess { $0.close(promise: nil) } }
        return answer.futureResult
    }

    public func stream(_ path: String, body: [UInt8], to member: EtcdCluster.Member, authorization: String?, connectTimeout: TimeAmount,
                       onLine: @escaping @Sendable ([UInt8]) throws -> Void) -> EtcdStream {
        let ended = group.next().makePromise(of: Void.self)
        let channel = connect(member, path: path, body: body, authorization: authorization, timeout: connectTimeout,
                              reader: { EtcdAnswerReader(member: member, lines: onLine, ended: ended) })
        channel.whenFailure { ended.fail(EtcdError("\(member): \(Self.reason($0))", kind: .unreachable)) }
        return EtcdStream(ended: ended.futureResult) {
            channel.whenSuccess { $0.close(promise: nil) }
            // Not connected yet: the stream is over all the same.
            ended.succeed(())
        }
    }

    /// Connects and sends one POST whose answer `reader` handles.
    private func connect(_ member: EtcdCluster.Member, path: String, body: [UInt8], authorization: String?, timeout: TimeAmount,
                         reader: @escaping @Sendable () -> EtcdAnswerReader) -> EventLoopFuture<any Channel> {
        ClientBootstrap(group: group)
            .connectTimeout(timeout)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    if let context {
                        // SNI only for a name (RFC 6066 §3); an IP is checked against the IP SANs.
                        let sni = CertificateAuthority.ipBytes(member.host) == nil ? member.host : nil
                        try channel.pipeline.syncOperations.addHandler(try NIOSSLClientHandler(context: context, serverHostname: sni))
                    }
                    try channel.pipeline.syncOperations.addHTTPClientHandlers()
                    try channel.pipeline.syncOperations.addHandler(reader())
                }
            }
            .connect(host: member.host, port: member.port)
            .map { channel in
                var headers = HTTPHeaders()
                headers.add(name: "Host", value: member.description)
                headers.add(name: "Content-Type", value: "application/json")
                headers.add(name: "Content-Length", value: String(body.count))
                headers.add(name: "Connection", value: "close")
                if let authorization { headers.add(name: "Authorization", value: authorization) }
                let head = HTTPRequestHead(version: .http1_1, method: .POST, uri: path, headers: headers)
                channel.write(HTTPClientRequestPart.head(head), promise: nil)
                channel.write(HTTPClientRequestPart.body(.byteBuffer(channel.allocator.buffer(bytes: body))), promise: nil)
                channel.writeAndFlush(HTTPClientRequestPart.end(nil), promise: nil)
                return channel
            }
    }

    /// `connection refused`, not NIO's nested description.
    static func reason(_ error: any Error) -> String {
        if let failed = error as? NIOConnectionError, let first = failed.connectionErrors.first {
            return reason(first.error)
        }
        if error is NIOConnectionError || error is SocketAddressError { return "cannot resolve the host name" }
        if let io = error as? IOError { return String(cString: strerror(io.errnoCode)).lowercased() }
        if case ChannelError.connectTimeout = error { return "no answer to connect" }
        if error is NIOSSLError || error is BoringSSLError { return "TLS handshake failed: \(HandshakeFailure.reason(error))" }
        return "\(error)"
    }
}

/// Reads one etcd answer: whole (a unary call) or line by line (a watch's stream of JSON
/// objects, one per line, possibly split across reads).
final class EtcdAnswerReader: ChannelInboundHandler {
    typealias InboundIn = HTTPClientResponsePart

    private enum Mode {
        case whole(EventLoopPromise<[UInt8]>)
        case lines(@Sendable ([UInt8]) throws -> Void, ended: EventLoopPromise<Void>)
    }

    private let member: EtcdCluster.Member
    private let mode: Mode
    private var status = 0
    private var body: [UInt8] = []

    init(member: EtcdCluster.Member, whole answer: EventLoopPromise<[UInt8]>) {
        self.member = member; mode = .whole(answer)
    }

    init(member: EtcdCluster.Member, lines: @escaping @Sendable ([UInt8]) throws -> Void, ended: EventLoopPromise<Void>) {
        self.member = member; mode = .lines(lines, ended: ended)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            status = Int(head.status.code)
        case .body(var bytes):
            body += bytes.readBytes(length: bytes.readableBytes) ?? []
            if case .lines(let onLine, _) = mode, status == 200 {
                do {
                    while let newline = body.firstIndex(of: UInt8(ascii: "\n")) {
                        let line = Array(body[..<newline])
                        body.removeSubrange(...newline)
                        if !line.isEmpty { try onLine(line) }
                    }
                } catch {
                    finish(context, failing: error)
                }
            }
        case .end:
            if status != 200 {
                // etcd's own words (`{"error": …, "message": …}`) when it gave them.
                let words = (try? JSONDecoder().decode(EtcdClient.ErrorBody.self, from: Data(body))).flatMap { $0.message ?? $0.error }
                let text = words ?? String(decoding: body.prefix(200), as: UTF8.self)
                finish(context, failing: EtcdError("\(member): HTTP \(status): \(text)", kind: .answered(status: status)))
                return
            }
            switch mode {
            case .whole(let answer): answer.succeed(body)
            case .lines(_, let ended): ended.succeed(())
            }
            context.close(promise: nil)
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        switch mode {
        case .whole(let answer):
            answer.fail(EtcdError("\(member): closed the connection before answering", kind: .unreachable))
        case .lines(_, let ended):
            ended.succeed(())
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        finish(context, failing: EtcdError("\(member): \(HTTP1EtcdTransport.reason(error))", kind: .unreachable))
    }

    private func finish(_ context: ChannelHandlerContext, failing error: any Error) {
        switch mode {
        case .whole(let answer): answer.fail(error)
        case .lines(_, let ended): ended.fail(error)
        }
        context.close(promise: nil)
    }
}
