import NIOCore
import NIOSSL
import NIOTLS

/// Sits behind a client `NIOSSLHandler` until the handshake ends: completes `promise` with the
/// endpoint's identity when the handshake succeeded and the identity is one expected, fails it
/// with a one-line reason otherwise (and closes), then leaves the pipeline.
final class HandshakeWatch: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer

    private let promise: EventLoopPromise<PeerIdentity?>
    private let expected: [String]
    private var done = false

    init(promise: EventLoopPromise<PeerIdentity?>, expected: [String]) {
        self.promise = promise
        self.expected = expected
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        guard !done, case TLSUserEvent.handshakeCompleted = event as? TLSUserEvent ?? .shutdownCompleted else {
            return context.fireUserInboundEventTriggered(event)
        }
        done = true
        let peer = (try? context.pipeline.syncOperations.handler(type: NIOSSLClientHandler.self))?.peerCertificate
            .flatMap(PeerIdentity.init)
        if !expected.isEmpty {
            guard let peer, peer.matches(expected) else {
                let shown = peer.map { ($0.uris + $0.dnsNames + $0.ipAddresses).joined(separator: ", ") } ?? "nothing"
                promise.fail(TLSError("the endpoint's certificate names \(shown.isEmpty ? "no SAN" : shown), not \(expected.joined(separator: " or "))"))
                context.close(promise: nil)
                return
            }
        }
        promise.succeed(peer)
        context.pipeline.syncOperations.removeHandler(context: context, promise: nil)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        guard !done else { return context.fireErrorCaught(error) }
        done = true
        promise.fail(TLSError("TLS handshake failed: \(HandshakeFailure.reason(error))"))
        context.close(promise: nil)
    }

    func channelInactive(context: ChannelHandlerContext) {
        if !done {
            done = true
            promise.fail(TLSError("TLS handshake failed: the endpoint closed the connection"))
        }
        context.fireChannelInactive()
    }
}
