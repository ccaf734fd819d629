public import MeshTLS
public import NIOCore
import NIOConcurrencyHelpers

// MARK: TLS

extension ServiceProxy {
    /// What new client connections are served with (a reload); connections already open keep
    /// the certificate they were served with, so none is dropped.
    @discardableResult
    public func setServerTLS(_ tls: ServerTLS?) -> EventLoopFuture<Void> {
        let loops = state.withLockedValue { s in
            s.serverTLS = tls
            return s.loops
        }
        return onEveryLoop(loops) { $0.serverTLS = tls }
    }

    /// How new connections to endpoints speak TLS (a reload, or renewed certificates); pooled
    /// connections stay until they close.
    @discardableResult
    public func setUpstreamTLS(_ tls: ClientTLS?) -> EventLoopFuture<Void> {
        let loops = state.withLockedValue { s in
            s.upstreamTLS = tls
            return s.loops
        }
        return onEveryLoop(loops) { $0.upstreamTLS = tls }
    }

    /// Installs what is told of every failed handshake: the endpoint's slot (nil for a client
    /// of the listener) and the reason in a few words. Called on the connection's loop.
    @discardableResult
    public func setHandshakeHook(_ hook: @escaping @Sendable (Int32?, String) -> Void) -> EventLoopFuture<Void> {
        let loops = state.withLockedValue { s in
            s.handshakeHook = hook
            return s.loops
        }
        return onEveryLoop(loops) { $0.handshakeHook = hook }
    }

    /// The identity each endpoint proved in its latest handshake, over all loops.
    public func peerIdentities() -> EventLoopFuture<[Int32: PeerIdentity]> {
        fromEveryLoop { $0.peerIdentities() }.map { all in
            all.reduce(into: [:]) { out, one in out.merge(one) { a, _ in a } }
        }
    }
}
