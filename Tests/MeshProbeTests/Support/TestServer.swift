import Foundation
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix

/// A tiny HTTP/1.1 server on a real socket whose behaviour a test switches at will, and which
/// counts what it sees (connections accepted, requests answered).
final class TestServer: Sendable {
    enum Mode: Sendable, Equatable {
        case healthy
        case unhealthy
        /// Answers 200 after a delay.
        case slow(TimeAmount)
        /// Accepts, reads, never answers.
        case silent
        /// Answers 200 with `Connection: close`, then closes.
        case closing
        /// Answers 200 with a chunked body, split over several writes.
        case chunked
    }

    struct Counts: Sendable { var connections = 0; var requests = 0 }

    let group: MultiThreadedEventLoopGroup
    private let channel: any Channel
    private let state = NIOLockedValueBox((mode: Mode.healthy, counts: Counts()))

    /// Kept from the bind: a closed channel no longer knows its address.
    let address: SocketAddress
    var port: Int { address.port ?? 0 }

    var mode: Mode {
        get { state.withLockedValue { $0.mode } }
        set { state.withLockedValue { $0.mode = newValue } }
    }

    var counts: Counts { state.withLockedValue { $0.counts } }

    init(mode: Mode = .healthy, port: Int = 0) async throws {
        group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let state = self.state
        state.withLockedValue { $0.mode = mode }
        channel = try await ServerBootstrap(group: group)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { child in
                state.withLockedValue { $0.counts.connections += 1 }
                return child.eventLoop.makeCompletedFuture {
                    try child.pipeline.syncOperations.addHandler(TestServerHandler(state: state))
                }
            }
            .bind(host: "127.0.0.1", port: port).get()
        address = channel.localAddress!
    }

    func stop() async throws {
        try? await channel.close()
        try await group.shutdownGracefully()
    }
}

/// Answers each request (one blank-line-terminated head) as the server's mode says.
private final class TestServerHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private let state: NIOLockedValueBox<(mode: TestServer.Mode, counts: TestServer.Counts)>
    private var received = ""

    init(state: NIOLockedValueBox<(mode: TestServer.Mode, counts: TestServer.Counts)>) { self.state = state }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        received += String(buffer: unwrapInboundIn(data))
        while let end = received.range(of: "\r\n\r\n") {
            received.removeSubrange(..<end.upperBound)
            let mode = state.withLockedValue { state in
                state.counts.requests += 1
                return state.mode
            }
            answer(mode, context: context)
        }
    }

    private func answer(_ mode: TestServer.Mode, context: ChannelHandlerContext) {
        let ok = "HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nok\n"
        switch mode {
        case .healthy:
            write(ok, context)
        case .unhealthy:
            write("HTTP/1.1 503 Service Unavailable\r\nContent-Length: 5\r\n\r\ndown\n", context)
        case .slow(let delay):
            let loopContext = NIOLoopBound(context, eventLoop: context.eventLoop)
            context.eventLoop.assumeIsolated().scheduleTask(in: delay) { self.write(ok, loopContext.value) }
        case .silent:
            break
        case .closing:
            let bytes = context.channel.allocator.buffer(string: "HTTP/1.1 200 OK\r\nContent-Length: 3\r\nConnection: close\r\n\r\nok\n")
            context.writeAndFlush(wrapOutboundOut(bytes)).assumeIsolated().whenComplete { _ in context.close(promise: nil) }
        case .chunked:
            write("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nok", context)
            write("\n\r\n4;ext=1\r\nabcd\r\n0\r\n", context)
            write("X-Trailer: 1\r\n\r\n", context)
        }
    }

    private func write(_ text: String, _ context: ChannelHandlerContext) {
        context.writeAndFlush(wrapOutboundOut(context.channel.allocator.buffer(string: text)), promise: nil)
    }
}
