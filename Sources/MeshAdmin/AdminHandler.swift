import NIOCore
import NIOHTTP1

/// One admin connection: reads each request whole (a small body limit), asks the API, writes
/// the answer. NIOHTTP1's pipeline handler holds pipelined requests until the answer before
/// them is out, so a long-polling `/v1/events` simply answers later.
///
/// A connection that is not being answered must bring a whole request within `idleTimeout`
/// (from when it opened or its last answer was written), or it is closed: a client that
/// connects and stalls, trickles a request a byte at a time, or stops reading answers holds a
/// connection that long at most (HAProxy's `timeout http-request` and `timeout
/// http-keep-alive` in one). While the API works on an answer, a long poll included, the
/// connection is not idle.
final class AdminHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    /// Bodies are a few bytes (`{"weight": 3}`, a Consul registration): more is refused.
    static let maxBody = 1 << 20

    private let api: AdminAPI
    private let idleTimeout: TimeAmount
    private var head: HTTPRequestHead?
    private var body: [UInt8] = []
    private var tooLarge = false
    private var idle: Scheduled<Void>?

    init(api: AdminAPI, idleTimeout: TimeAmount) {
        self.api = api
        self.idleTimeout = idleTimeout
    }

    func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive { armIdle(context: context) }
    }

    func channelActive(context: ChannelHandlerContext) {
        armIdle(context: context)
        context.fireChannelActive()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        idle?.cancel()
        idle = nil
    }

    /// Closes the connection unless a whole request arrives within `idleTimeout`.
    private func armIdle(context: ChannelHandlerContext) {
        idle?.cancel()
        let bound = NIOLoopBound(context, eventLoop: context.eventLoop)
        idle = context.eventLoop.assumeIsolated().scheduleTask(in: idleTimeout) { bound.value.close(promise: nil) }
    }

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
            // Being answered: not idle, however long the answer takes.
            idle?.cancel()
            idle = nil
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
        // The answer must be taken and the next request come within the timeout.
        armIdle(context: context)
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
