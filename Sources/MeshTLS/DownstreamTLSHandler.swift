public import NIOCore
import NIOSSL
import NIOTLS

/// What a TLS listener learned from a client's handshake, passed down the pipeline as a user
/// event once the handshake is done: who the client is (when it presented a certificate, which
/// the CA then verified) and the `X-Forwarded-Client-Cert` value the listener sets for it.
public struct DownstreamTLSEstablished: Sendable {
    public var client: PeerIdentity?
    /// nil when the client presented no certificate.
    public var forwardedClientCert: String?
}

/// Sits behind a listener's `NIOSSLServerHandler`: turns a completed handshake into a
/// `DownstreamTLSEstablished` event, and a failed one into one call of `onFailure` with the
/// reason (so the listener counts and reports it), then closes.
public final class DownstreamTLSHandler: ChannelInboundHandler {
    public typealias InboundIn = ByteBuffer
    public typealias InboundOut = ByteBuffer

    private let server: PeerIdentity?
    private let onFailure: (String) -> Void
    private var established = false

    /// - Parameters:
    ///   - server: the listener's own identity (XFCC's `By`).
    ///   - onFailure: called on the channel's loop with the reason of a failed handshake.
    public init(server: PeerIdentity?, onFailure: @escaping (String) -> Void) {
        self.server = server
        self.onFailure = onFailure
    }

    public func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        guard let tls = event as? TLSUserEvent, case .handshakeCompleted = tls else {
            return context.fireUserInboundEventTriggered(event)
        }
        established = true
        let client = (try? context.pipeline.syncOperations.handler(type: NIOSSLServerHandler.self))?.peerCertificate
            .flatMap(PeerIdentity.init)
        let xfcc = client.map { ForwardedClientCert.value(client: $0, by: server) }
        context.fireUserInboundEventTriggered(DownstreamTLSEstablished(client: client, forwardedClientCert: xfcc))
    }

    public func errorCaught(context: ChannelHandlerContext, error: any Error) {
        if !established, error is NIOSSLError {
            established = true  // one report per connection
            onFailure(HandshakeFailure.reason(error))
            context.close(promise: nil)
            return
        }
        context.fireErrorCaught(error)
    }
}
