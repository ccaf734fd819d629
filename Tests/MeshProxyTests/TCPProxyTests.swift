import MeshTestSupport
import MeshCore
@testable import MeshProxy
import NIOCore
import NIOPosix
import Testing

@Suite(.serialized) struct TCPProxyTests {
    /// A relay that carries nothing either way is closed after the TCP idle timeout (Envoy's
    /// `idle_timeout`); one that was busy just before is not cut while it moves.
    @Test func aQuietRelayIsClosedAfterTheIdleTimeout() async throws {
        let h = try await ProxyHarness.start(backends: ["b0"]) { $0.mode = .tcp; $0.tcpIdleTimeout = 0.3 }
        let port = h.port
        let (status, closed) = try await blocking { () throws -> (Int, Bool) in
            let client = try RawClient(port: port, timeout: 20)
            client.send("GET / HTTP/1.1\r\nHost: t\r\n\r\n")
            let status = try client.readResponse().status
            // The backend keeps the connection; nothing moves now but the relay's timeout.
            return (status, client.isClosedByPeer())
        }
        #expect(status == 200 && closed)
        await h.stop()
    }

    /// Echoes bytes and closes once the client has half-closed.
    private final class Echo: ChannelInboundHandler {
        typealias InboundIn = ByteBuffer
        typealias OutboundOut = ByteBuffer
        func channelRead(context: ChannelHandlerContext, data: NIOAny) { context.writeAndFlush(data, promise: nil) }
        func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
            if let e = event as? ChannelEvent, e == .inputClosed { context.close(promise: nil) }
        }
    }

    /// Answers a half-closed request with `size` bytes, then closes once they are written.
    private final class Download: ChannelInboundHandler {
        typealias InboundIn = ByteBuffer
        typealias OutboundOut = ByteBuffer
        let size: Int
        init(size: Int) { self.size = size }
        func channelRead(context: ChannelHandlerContext, data: NIOAny) {}
        func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
            guard let e = event as? ChannelEvent, e == .inputClosed else { return }
            let body = ByteBuffer(repeating: UInt8(ascii: "x"), count: size)
            context.writeAndFlush(wrapOutboundOut(body)).assumeIsolated().whenComplete { _ in context.close(promise: nil) }
        }
    }

    /// Both sides are done (the client half-closed first, the endpoint then closed after a large
    /// answer) while the client reads slowly: the relay must still deliver every byte before it
    /// closes the client's connection, not drop what NIO has not written yet.
    @Test func aSlowReaderGetsTheWholeTailAfterBothSidesFinish() async throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let size = 16 << 20
        let server = try await ServerBootstrap(group: group)
            .childChannelOption(ChannelOptions.allowRemoteHalfClosure, value: true)
            .childChannelInitializer { ch in ch.eventLoop.makeCompletedFuture { try ch.pipeline.syncOperations.addHandler(Download(size: size)) } }
            .bind(host: "127.0.0.1", port: 0).get()
        let proxy = ServiceProxy(configuration: ProxyConfiguration(listen: "127.0.0.1:0", mode: .tcp), group: group)
        try await proxy.updateRoutes([0: server.localAddress!], hosts: ProxyHarness.hostSet(1)).get()
        let port = try await proxy.start().get().port!
        let received = try await blocking {
            let c = try RawClient(port: port, timeout: 10)
            c.send("GET everything\n")
            c.shutdownWrite()
            // Let the endpoint finish and close while nearly all of its bytes wait in the proxy.
            usleep(500_000)
            var total = 0
            while let bytes = c.receiveSome() {
                total += bytes.count
                usleep(1_000)
            }
            return total
        }
        #expect(received == size)
        try await Task.sleep(for: .milliseconds(50))
        #expect(try await proxy.activeCount(slot: 0).get() == 0)
        try? await proxy.stop().get()
        try await server.close()
        try await group.shutdownGracefully()
    }

    @Test func echoThroughTheProxyWithHalfClose() async throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let echo = try await ServerBootstrap(group: group)
            .childChannelOption(ChannelOptions.allowRemoteHalfClosure, value: true)
            .childChannelInitializer { ch in ch.eventLoop.makeCompletedFuture { try ch.pipeline.syncOperations.addHandler(Echo()) } }
            .bind(host: "127.0.0.1", port: 0).get()
        let dead = try await ProxyHarness.freeAddress(group)
        let proxy = ServiceProxy(configuration: ProxyConfiguration(listen: "127.0.0.1:0", mode: .tcp), group: group)
        // The dead endpoint first: the relay must retry on the echo server.
        try await proxy.updateRoutes([0: dead, 1: echo.localAddress!], hosts: ProxyHarness.hostSet(2)).get()
        let port = try await proxy.start().get().port!
        let (reply, closed) = try await blocking {
            let c = try RawClient(port: port)
            let payload = String(repeating: "ping ", count: 40_000)
            c.send(payload)
            c.shutdownWrite()
            var got = ""
            while got.utf8.count < payload.utf8.count {
                guard let bytes = c.receiveSome() else { break }
                got += String(decoding: bytes, as: UTF8.self)
            }
            return (got == payload, c.isClosedByPeer())
        }
        #expect(reply && closed)
        try await Task.sleep(for: .milliseconds(50))
        #expect(try await proxy.activeCount(slot: 1).get() == 0)
        try? await proxy.stop().get()
        try await echo.close()
        try await group.shutdownGracefully()
    }
}
