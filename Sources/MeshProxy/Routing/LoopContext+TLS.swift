import MeshTLS
import NIOSSL
import NIOCore

// MARK: TLS to endpoints and from clients

extension LoopContext {
    /// Shakes hands with the endpoint on `slot` within the connect timeout and checks its
    /// identity. `done` runs on this loop as the handshake completes, before any byte after it
    /// is read, so the handler installed then misses nothing (a server that speaks first).
    func secure(_ channel: any Channel, _ slot: Int32, _ tls: ClientTLS,
                _ done: @escaping (Result<Void, any Error>) -> Void) {
        let timeout = channel.eventLoop.scheduleTask(in: .nanoseconds(Int64(config.connectTimeout * 1e9))) {
            channel.close(promise: nil)
        }
        tls.secure(channel, host: nil).assumeIsolated().whenComplete { result in
            timeout.cancel()
            switch result {
            case .success(let peer):
                self.ensure(slot)
                self.peers[Int(slot)] = peer
                done(.success(()))
            case .failure(let error):
                channel.close(promise: nil)
                self.counters[Int(slot)].connectErrors &+= 1
                self.handshakeFailed(slot, error)
                done(.failure(error))
            }
        }
    }

    /// Counts a failed handshake with the endpoint on `slot` and reports it.
    func handshakeFailed(_ slot: Int32, _ error: any Error) {
        ensure(slot)
        counters[Int(slot)].handshakeFailures &+= 1
        handshakeHook?(slot, HandshakeFailure.reason(error))
    }

    /// The TLS handlers a new client connection starts with, when the listener serves TLS.
    func serverHandlers() -> [any ChannelHandler] {
        guard let tls = serverTLS else { return [] }
        let bound = NIOLoopBound(self, eventLoop: eventLoop)
        return [NIOSSLServerHandler(context: tls.context),
                DownstreamTLSHandler(server: tls.identity) { reason in bound.value.handshakeHook?(nil, reason) }]
    }

    /// The identity each endpoint proved in its latest handshake.
    func peerIdentities() -> [Int32: PeerIdentity] {
        var out: [Int32: PeerIdentity] = [:]
        for slot in peers.indices where addresses[slot] != nil {
            if let peer = peers[slot] { out[Int32(slot)] = peer }
        }
        return out
    }
}
