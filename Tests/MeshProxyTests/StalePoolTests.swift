#if canImport(Glibc)
import Glibc
#endif
@testable import MeshProxy
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import Testing

/// A pooled connection whose origin has closed it is found before it is reused, even when the
/// loop has not handled the close yet (its FIN came while the loop was busy with other work).
@Suite struct StalePoolTests {
    /// Keeps the connections it accepts, to close them when told.
    private final class Keep: ChannelInboundHandler, Sendable {
        typealias InboundIn = ByteBuffer
        let accepted: NIOLockedValueBox<[any Channel]>
        init(_ accepted: NIOLockedValueBox<[any Channel]>) { self.accepted = accepted }
        func channelActive(context: ChannelHandlerContext) {
            let channel = context.channel
            accepted.withLockedValue { $0.append(channel) }
        }
    }

    @Test func aConnectionTheOriginClosedIsNotTakenFromThePool() async throws {
        let originGroup = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let accepted = NIOLockedValueBox<[any Channel]>([])
        let origin = try await ServerBootstrap(group: originGroup)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(Keep(accepted)) }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        let address = origin.localAddress!
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let loop = group.next()
        var conns: [NIOLoopBound<UpstreamConnection>] = []
        let context = try await loop.submit { () -> NIOLoopBound<LoopContext> in
            let context = LoopContext(eventLoop: loop, config: ProxyConfiguration(listen: "127.0.0.1:0"), picker: RoundRobinPicker())
            context.setRoutes([0: address], hosts: ProxyHarness.hostSet(1))
            return NIOLoopBound(context, eventLoop: loop)
        }.get()
        for _ in 0..<2 {
            let channel = try await ClientBootstrap(group: loop).connect(to: address).get()
            conns.append(try await loop.submit {
                let conn = UpstreamConnection(slot: 0, address: address, loop: context.value)
                try channel.pipeline.syncOperations.addHandler(conn)
                return NIOLoopBound(conn, eventLoop: loop)
            }.get())
        }
        #expect(await poll { accepted.withLockedValue { $0.count } == 2 })
        let (closed, open) = (conns[0], conns[1])
        let first = accepted.withLockedValue { $0[0] }
        // All on the loop in one go, so that it cannot handle the close meanwhile: the origin
        // closes the first connection; once the kernel knows, both go to the pool.
        let (tookOpen, seenClosed) = try await loop.submit { () -> (Bool, Bool) in
            first.close(promise: nil)
            var seen = false
            for _ in 0..<10_000 where !seen {
                seen = closed.value.peerHasClosed
                if !seen { usleep(1000) }
            }
            let then = NIODeadline.now() - .seconds(1)
            context.value.release(open.value, reusable: true, now: then)
            context.value.release(closed.value, reusable: true, now: then)
            return (context.value.takeIdle(0, now: .now()) === open.value, seen)
        }.get()
        #expect(seenClosed)
        // The closed one was pooled last (most recently used first), yet the open one comes out.
        #expect(tookOpen)
        #expect(try await loop.submit { open.value.peerHasClosed }.get() == false)
        try await origin.close()
        try await group.shutdownGracefully()
        try await originGroup.shutdownGracefully()
    }
}
