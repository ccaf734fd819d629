import NIOConcurrencyHelpers
import NIOCore
import NIOPosix

/// An origin that accepts connections and never reads from them (a server stuck in a long pause,
/// or one that will not take an upload): what the proxy sends it piles up in the kernel's buffers
/// and then in the proxy, which has to stop reading its client.
final class StalledOrigin: Sendable {
    let channel: any Channel
    private let accepted = NIOLockedValueBox(0)

    var address: SocketAddress { channel.localAddress! }
    var connections: Int { accepted.withLockedValue { $0 } }

    init(group: any EventLoopGroup) async throws {
        let accepted = self.accepted
        channel = try await ServerBootstrap(group: group)
            .serverChannelOption(ChannelOptions.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(ChannelOptions.autoRead, value: false)
            .childChannelInitializer { channel in
                accepted.withLockedValue { $0 += 1 }
                return channel.eventLoop.makeSucceededVoidFuture()
            }
            .bind(host: "127.0.0.1", port: 0).get()
    }

    func stop() async { try? await channel.close() }
}
