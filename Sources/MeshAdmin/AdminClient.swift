import Foundation
import MeshCore
public import NIOCore
import NIOHTTP1
import NIOPosix

/// A small HTTP/1.1 client for the admin API (`mesh-top ctl`, tests): one request per
/// connection, the answer read whole.
public struct AdminClient: Sendable {
    public struct Answer: Sendable {
        public var status: Int
        public var headers: [(String, String)]
        public var body: [UInt8]

        public var text: String { String(decoding: body, as: UTF8.self) }
        public func header(_ name: String) -> String? { headers.first { $0.0.lowercased() == name.lowercased() }?.1 }
        /// The `error` of a `{"error": "..."}` answer.
        public var error: String? {
            // Not every refusal has a JSON body: then there is no message to show.
            (try? JSONSerialization.jsonObject(with: Data(body)) as? [String: Any])?["error"] as? String
        }
    }

    public var host: String
    public var port: Int
    public var token: String?

    public init(host: String, port: Int, token: String? = nil) {
        self.host = host; self.port = port; self.token = token
    }

    /// Sends one request and waits for the whole answer, at most `timeout` seconds.
    public func send(_ method: String, _ path: String, body: String? = nil, timeout: Double = 10) throws -> Answer {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        // The request's outcome is what the caller hears; a group with nothing left on it stops anyway.
        defer { try? group.syncShutdownGracefully() }
        let loop = group.next()
        let done = loop.makePromise(of: Answer.self)
        let bootstrap = ClientBootstrap(group: group)
            .connectTimeout(.seconds(3))
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHTTPClientHandlers()
                    try channel.pipeline.syncOperations.addHandler(AnswerReader(done: done))
                }
            }
        let channel: any Channel
        do {
            channel = try bootstrap.connect(host: host, port: port).wait()
        } catch {
            done.fail(error)
            throw error
        }
        var headers = HTTPHeaders()
        headers.add(name: "Host", value: host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)")
        headers.add(name: "Connection", value: "close")
        if let token { headers.add(name: "Authorization", value: "Bearer \(token)") }
        let bytes = Array((body ?? "").utf8)
        if body != nil {
            headers.add(name: "Content-Type", value: "application/json")
        }
        headers.add(name: "Content-Length", value: String(bytes.count))
        let head = HTTPRequestHead(version: .http1_1, method: HTTPMethod(rawValue: method), uri: path, headers: headers)
        channel.write(HTTPClientRequestPart.head(head), promise: nil)
        if !bytes.isEmpty {
            channel.write(HTTPClientRequestPart.body(.byteBuffer(channel.allocator.buffer(bytes: bytes))), promise: nil)
        }
        channel.writeAndFlush(HTTPClientRequestPart.end(nil), promise: nil)
        let timer = loop.scheduleTask(in: .nanoseconds(MeshDuration.nanoseconds(timeout))) {
            done.fail(AdminClientError.timeout)
            channel.close(promise: nil)
        }
        defer { timer.cancel() }
        return try done.futureResult.wait()
    }

    /// Reads one response into `done`; a connection closed before it is an error.
    private final class AnswerReader: ChannelInboundHandler {
        typealias InboundIn = HTTPClientResponsePart

        private let done: EventLoopPromise<Answer>
        private var answer: Answer?

        init(done: EventLoopPromise<Answer>) { self.done = done }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            switch unwrapInboundIn(data) {
            case .head(let head):
                answer = Answer(status: Int(head.status.code), headers: head.headers.map { ($0.name, $0.value) }, body: [])
            case .body(var bytes):
                answer?.body += bytes.readBytes(length: bytes.readableBytes) ?? []
            case .end:
                if let answer { done.succeed(answer) }
                context.close(promise: nil)
            }
        }

        func channelInactive(context: ChannelHandlerContext) {
            done.fail(AdminClientError.closed)
        }

        func errorCaught(context: ChannelHandlerContext, error: any Error) {
            done.fail(error)
            context.close(promise: nil)
        }
    }
}
