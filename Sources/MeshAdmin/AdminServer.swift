import Glibc
public import Logging
import MeshCore
import MeshOutput
public import MeshTLS
import NIOConcurrencyHelpers
public import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL

/// The admin API on its own listener (default 127.0.0.1:9901) and its own event loop, apart
/// from the data plane's.
public final class AdminServer: Sendable {
    private let channel: any Channel
    private let group: MultiThreadedEventLoopGroup
    private let api: AdminAPI

    /// The address it listens on.
    public var localAddress: SocketAddress? { channel.localAddress }

    private init(channel: any Channel, group: MultiThreadedEventLoopGroup, api: AdminAPI) {
        self.channel = channel
        self.group = group
        self.api = api
    }

    /// How long a connection may sit without a whole request while nothing is being answered.
    public static let defaultIdleTimeout = 60.0

    /// Binds and serves `api` (call from outside any event loop); throws one line when the
    /// address is taken or unusable. `idleTimeout` in seconds (see `AdminHandler`). With `tls`
    /// it serves HTTPS, asking for client certificates when `tls` has a client CA; a failed
    /// handshake closes that connection only. Errors of the listener once it runs (out of file
    /// descriptors, say) go to `logger`. With `renewTLS`, asked every `renewEvery` on the
    /// server's loop with the certificate in use: what it returns serves new connections from
    /// then on (open ones keep theirs); nil keeps the one in use.
    public static func start(_ api: AdminAPI, host: String, port: Int, tls: ServerTLS? = nil,
                             renewTLS: (@Sendable (ServerTLS) -> ServerTLS?)? = nil,
                             renewEvery: TimeAmount = .minutes(10),
                             idleTimeout: Double = defaultIdleTimeout,
                             logger: Logger = Logger(label: "mesh-top", factory: { _ in SwiftLogNoOpLogHandler() }))
        throws(AdminServerError) -> AdminServer {
        let idle = TimeAmount.nanoseconds(MeshDuration.nanoseconds(idleTimeout))
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let listen = host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
        let current = NIOLockedValueBox(tls)
        do {
            let channel = try ServerBootstrap(group: group)
                .serverChannelOption(ChannelOptions.socketOption(.so_reuseaddr), value: 1)
                .serverChannelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try ListenerErrorLogger.install(on: channel, listener: "admin API \(listen)", logger: logger)
                    }
                }
                .childChannelOption(ChannelOptions.socketOption(.tcp_nodelay), value: 1)
                .childChannelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture {
                        if let tls = current.withLockedValue({ $0 }) {
                            try channel.pipeline.syncOperations.addHandlers(
                                NIOSSLServerHandler(context: tls.context), DownstreamTLSHandler(server: tls.identity, onFailure: { _ in }))
                        }
                        try channel.pipeline.syncOperations.configureHTTPServerPipeline(withErrorHandling: true)
                        try channel.pipeline.syncOperations.addHandler(AdminHandler(api: api, idleTimeout: idle))
                    }
                }
                .bind(host: host, port: port).wait()
            if tls != nil, let renewTLS {
                // Stops with the group.
                _ = group.next().scheduleRepeatedTask(initialDelay: renewEvery, delay: renewEvery) { _ in
                    guard let inUse = current.withLockedValue({ $0 }), let fresh = renewTLS(inUse) else { return }
                    current.withLockedValue { $0 = fresh }
                }
            }
            return AdminServer(channel: channel, group: group, api: api)
        } catch {
            // A group with nothing on it: its shutdown has nothing to fail on.
            try? group.syncShutdownGracefully()
            throw AdminServerError(describe(error, listen: listen))
        }
    }

    /// Closes the listener and every admin connection (long polls included).
    public func stop() {
        api.close()
        // On the way out: a listener already closed, or a group already down, is what we want.
        try? channel.close().wait()
        try? group.syncShutdownGracefully()
    }

    private static func describe(_ error: any Error, listen: String) -> String {
        if let io = error as? IOError {
            switch io.errnoCode {
            case EADDRINUSE: return "admin API: cannot listen on \(listen): address already in use"
            case EADDRNOTAVAIL: return "admin API: cannot listen on \(listen): address not available on this machine"
            case EACCES: return "admin API: cannot listen on \(listen): permission denied"
            default: return "admin API: cannot listen on \(listen): \(io.description)"
            }
        }
        return "admin API: cannot listen on \(listen): \(error)"
    }
}
