import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1
import NIOPosix

/// A tiny HTTP/1.1 server used as an endpoint: answers with its name, echoes bodies, and has
/// routes that misbehave on purpose (`/slow`, `/hang`, `/chunked`, `/big`, `/status/N`).
final class TestBackend: Sendable {
    let name: String
    let channel: any Channel
    private let connections = NIOLockedValueBox(0)

    var port: Int { channel.localAddress!.port! }
    var address: SocketAddress { channel.localAddress! }
    var connectionCount: Int { connections.withLockedValue { $0 } }

    init(name: String, group: any EventLoopGroup) async throws {
        self.name = name
        let connections = self.connections
        channel = try await ServerBootstrap(group: group)
            .serverChannelOption(ChannelOptions.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                connections.withLockedValue { $0 += 1 }
                return channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline(withErrorHandling: true)
                    try channel.pipeline.syncOperations.addHandler(BackendHandler(name: name))
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
    }

    func stop() async { try? await channel.close() }
}

private final class BackendHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    let name: String
    private var head: HTTPRequestHead?
    private var body = ByteBuffer()

    init(name: String) { self.name = name }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let h): head = h; body.clear()
        case .body(var b): body.writeBuffer(&b)
        case .end: respond(context)
        }
    }

    private func respond(_ context: ChannelHandlerContext) {
        guard let head else { return }
        let path = head.uri.split(separator: "?").first.map(String.init) ?? head.uri
        var headers = HTTPHeaders()
        headers.add(name: "x-backend", value: name)
        headers.add(name: "x-seen-xff", value: head.headers["x-forwarded-for"].joined(separator: ","))
        headers.add(name: "x-seen-connection", value: head.headers["connection"].joined(separator: ","))
        let loop = context.eventLoop.assumeIsolated()
        switch path {
        case "/hang":
            return
        case "/slow":
            let ms = Int64(head.uri.split(separator: "=").last.flatMap { Int($0) } ?? 300)
            loop.scheduleTask(in: .milliseconds(ms)) { self.send(context, head, headers, body: "slow \(self.name)\n") }
        case "/chunked":
            headers.add(name: "transfer-encoding", value: "chunked")
            context.write(wrapOutboundOut(.head(HTTPResponseHead(version: head.version, status: .ok, headers: headers))), promise: nil)
            for part in ["one,", "two,", "three"] {
                context.write(wrapOutboundOut(.body(.byteBuffer(ByteBuffer(string: part)))), promise: nil)
            }
            context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
        case "/big":
            let n = head.uri.split(separator: "=").last.flatMap { Int($0) } ?? 1_000_000
            send(context, head, headers, body: String(repeating: "x", count: n))
        case let p where p.hasPrefix("/status/"):
            let code = Int(p.dropFirst(8)) ?? 500
            send(context, head, headers, body: "status \(code) from \(name)\n", status: HTTPResponseStatus(statusCode: code))
        default:
            let text = head.method == .POST || head.method == .PUT
                ? "\(name) got \(body.readableBytes): \(String(buffer: body))"
                : "hello from \(name)\n"
            send(context, head, headers, body: text)
        }
    }

    private func send(_ context: ChannelHandlerContext, _ head: HTTPRequestHead, _ headers: HTTPHeaders, body: String,
                      status: HTTPResponseStatus = .ok) {
        var headers = headers
        headers.add(name: "content-length", value: String(body.utf8.count))
        context.write(wrapOutboundOut(.head(HTTPResponseHead(version: head.version, status: status, headers: headers))), promise: nil)
        context.write(wrapOutboundOut(.body(.byteBuffer(ByteBuffer(string: body)))), promise: nil)
        context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
    }
}
