import NIOCore
import NIOHTTP1

/// One admin connection: reads each request whole (a small body limit), asks the API, writes
/// the answer. NIOHTTP1's pipeline handler holds pipelined requests until the answer before
/// them is out, so a long-polling `/v1/events` simply answers later.
final class AdminHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    /// Bodies are a few bytes (`{"weight": 3}`, a Consul registration): more is refused.
    static let maxBody = 1 << 20

    private let api: AdminAPI
    private var head: HTTPRequestHead?
    private var body: [UInt8] = []
    private var tooLarge = false

    init(api: AdminAPI) { self.api = api }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let h):
            head = h
            body = []
            tooLarge = false
        case .body(var bytes):
            guard !tooLarge else { return }
            if body.count + bytes.readableBytes > Self.maxBody {
                tooLarge = true
                body = []
            } else {
                body += bytes.readBytes(length: bytes.readableBytes) ?? []
            }
        case .end:
            guard let head else { return }
            self.head = nil
            let keepAlive = head.isKeepAlive
            guard !tooLarge else {
                return write(.error(.payloadTooLarge, "body: larger than \(Self.maxBody) bytes"), version: head.version, keepAlive: false, context: context)
            }
            let request = AdminRequest(method: head.method, uri: head.uri, headers: head.headers, body: body)
            body = []
            let bound = NIOLoopBound(context, eventLoop: context.eventLoop)
            api.respond(to: request, on: context.eventLoop).hop(to: context.eventLoop).assumeIsolated().whenSuccess { response in
                self.write(response, version: head.version, keepAlive: keepAlive, context: bound.value)
            }
        }
    }

    private func write(_ response: AdminResponse, version: HTTPVersion, keepAlive: Bool, context: ChannelHandlerContext) {
        guard context.channel.isActive else { return }
        var headers = HTTPHeaders()
        headers.add(name: "Content-Type", value: response.contentType)
        headers.add(name: "Content-Length", value: String(response.body.count))
        headers.add(name: "Connection", value: keepAlive ? "keep-alive" : "close")
        for (name, value) in response.extraHeaders { headers.add(name: name, value: value) }
        context.write(wrapOutboundOut(.head(HTTPResponseHead(version: version, status: response.status, headers: headers))), promise: nil)
        context.write(wrapOutboundOut(.body(.byteBuffer(context.channel.allocator.buffer(bytes: response.body)))), promise: nil)
        let done = context.writeAndFlush(wrapOutboundOut(.end(nil)))
        if !keepAlive { done.assumeIsolated().whenComplete { _ in context.close(promise: nil) } }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }
}
