public import AsyncHTTPClient
import Foundation
public import MeshCore
public import MeshTLS
public import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL

/// `EtcdTransport` on AsyncHTTPClient, in TLS when `tls` is given (each member's certificate
/// must chain to the CA and name the member: a DNS name through SNI, an IP address among its
/// IP SANs). Calls share pooled keep-alive connections; a watch is a request whose streamed
/// body is read line by line.
public struct HTTPClientEtcdTransport: EtcdTransport {
    public let group: any EventLoopGroup
    public let tls: ClientTLS?
    private let configuration: TLSConfiguration?

    /// One client for the process's life, as `AdminClient`'s. A refused connection fails the
    /// call at once (AsyncHTTPClient would retry it until the deadline), so a dead member is
    /// passed over without waiting; redirects are not followed. Each watch holds a connection
    /// for its life: room for many beside the calls (AsyncHTTPClient's default is 8 a member).
    static let http: HTTPClient = {
        var configuration = HTTPClient.Configuration()
        configuration.connectionPool.retryConnectionEstablishment = false
        configuration.connectionPool.concurrentHTTP1ConnectionsPerHostSoftLimit = 64
        configuration.timeout.connect = .seconds(5)
        configuration.redirectConfiguration = .disallow
        return HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
    }()

    public init(group: any EventLoopGroup, tls: ClientTLS? = nil) {
        self.group = group
        self.tls = tls
        configuration = tls.flatMap { tls in
            guard var config = try? ClientTLS.configuration(tls.settings).0 else { return nil }
            if tls.settings.verify { config.certificateVerification = .fullVerification }
            return config
        }
    }

    public func post(_ path: String, body: [UInt8], to member: EtcdCluster.Member, authorization: String?,
                     timeout: TimeAmount) -> EventLoopFuture<[UInt8]> {
        let loop = group.next()
        let request: HTTPClient.Request
        do {
            request = try self.request(path, body: body, to: member, authorization: authorization)
        } catch {
            return loop.makeFailedFuture(error)
        }
        return Self.http.execute(request: request, eventLoop: .indifferent, deadline: .now() + timeout)
            .hop(to: loop)
            .flatMapErrorThrowing { error in
                if let failed = error as? HTTPClientError, failed == .deadlineExceeded || failed == .readTimeout {
                    throw EtcdError("\(member): no answer to \(path) in \(timeout.nanoseconds / 1_000_000_000) s", kind: .unreachable)
                }
                throw EtcdError("\(member): \(self.reason(error))", kind: .unreachable)
            }
            .flatMapThrowing { response in
                let bytes = response.body.map { Array($0.readableBytesView) } ?? []
                guard response.status == .ok else { throw Self.answered(Int(response.status.code), bytes, from: member) }
                return bytes
            }
    }

    public func stream(_ path: String, body: [UInt8], to member: EtcdCluster.Member, authorization: String?,
                       connectTimeout: TimeAmount, onLine: @escaping @Sendable ([UInt8]) throws -> Void) -> EtcdStream {
        let loop = group.next()
        let request: HTTPClient.Request
        do {
            request = try self.request(path, body: body, to: member, authorization: authorization)
        } catch {
            return EtcdStream(ended: loop.makeFailedFuture(error)) {}
        }
        let task = Self.http.execute(request: request, delegate: EtcdLineReader(member: member, onLine: onLine),
                                     eventLoop: .indifferent)
        let ended = task.futureResult.hop(to: loop).flatMapErrorThrowing { error in
            switch error {
            case let error as EtcdError: throw error
            // Cancelled by us, or the member closed the stream: it is over, without fault.
            case let failed as HTTPClientError where failed == .cancelled: return
            default: throw EtcdError("\(member): \(self.reason(error))", kind: .unreachable)
            }
        }
        return EtcdStream(ended: ended) { task.cancel() }
    }

    private func request(_ path: String, body: [UInt8], to member: EtcdCluster.Member, authorization: String?) throws -> HTTPClient.Request {
        var headers = HTTPHeaders()
        headers.add(name: "Content-Type", value: "application/json")
        if let authorization { headers.add(name: "Authorization", value: authorization) }
        let host = member.host.contains(":") ? "[\(member.host)]" : member.host
        return try HTTPClient.Request(url: (tls == nil ? "http://" : "https://") + "\(host):\(member.port)\(path)", method: .POST,
                                      headers: headers, body: .bytes(body), tlsConfiguration: configuration)
    }

    /// A status other than 200, in etcd's own words (`{"error": …, "message": …}`) when it gave them.
    static func answered(_ status: Int, _ body: [UInt8], from member: EtcdCluster.Member) -> EtcdError {
        let words = (try? JSONDecoder().decode(EtcdClient.ErrorBody.self, from: Data(body))).flatMap { $0.message ?? $0.error }
        let text = words ?? String(decoding: body.prefix(200), as: UTF8.self)
        return EtcdError("\(member): HTTP \(status): \(text)", kind: .answered(status: status))
    }

    /// Under TLS 1.3 a server that wants a client certificate refuses after the handshake
    /// (RFC 8446 §4.4.2.4): AsyncHTTPClient sees only the connection close, so say what is
    /// likely missing when no certificate was given.
    func reason(_ error: any Error) -> String {
        if tls != nil, tls?.presentsCertificate == false, let failed = error as? HTTPClientError, failed == .remoteConnectionClosed {
            return "closed the TLS connection before answering: does it want a client certificate (--registry-cert, --registry-key)?"
        }
        return Self.reason(error)
    }

    /// `connection refused`, not NIO's nested description.
    static func reason(_ error: any Error) -> String {
        if let failed = error as? NIOConnectionError, let first = failed.connectionErrors.first {
            return reason(first.error)
        }
        if error is NIOConnectionError || error is SocketAddressError { return "cannot resolve the host name" }
        if let io = error as? IOError { return String(cString: strerror(io.errnoCode)).lowercased() }
        if case ChannelError.connectTimeout = error { return "no answer to connect" }
        if let failed = error as? HTTPClientError {
            if failed == .connectTimeout { return "no answer to connect" }
            if failed == .remoteConnectionClosed { return "closed the connection before answering" }
        }
        if error is NIOSSLError || error is BoringSSLError || error is NIOSSLExtraError {
            return "TLS handshake failed: \(HandshakeFailure.reason(error))"
        }
        return "\(error)"
    }
}

/// Reads a watch's answer: one JSON object per line, lines possibly split across reads.
/// AsyncHTTPClient calls it on its own event loop (its client's), one callback at a time;
/// `onLine` runs there.
final class EtcdLineReader: HTTPClientResponseDelegate, @unchecked Sendable {
    typealias Response = Void

    private let member: EtcdCluster.Member
    private let onLine: @Sendable ([UInt8]) throws -> Void
    private var status = 0
    private var buffer: [UInt8] = []

    init(member: EtcdCluster.Member, onLine: @escaping @Sendable ([UInt8]) throws -> Void) {
        self.member = member; self.onLine = onLine
    }

    func didReceiveHead(task: HTTPClient.Task<Void>, _ head: HTTPResponseHead) -> EventLoopFuture<Void> {
        status = Int(head.status.code)
        return task.eventLoop.makeSucceededVoidFuture()
    }

    func didReceiveBodyPart(task: HTTPClient.Task<Void>, _ part: ByteBuffer) -> EventLoopFuture<Void> {
        buffer += part.readableBytesView
        guard status == 200 else { return task.eventLoop.makeSucceededVoidFuture() }
        do {
            while let newline = buffer.firstIndex(of: UInt8(ascii: "\n")) {
                let line = Array(buffer[..<newline])
                buffer.removeSubrange(...newline)
                if !line.isEmpty { try onLine(line) }
            }
        } catch {
            task.fail(reason: error)
        }
        return task.eventLoop.makeSucceededVoidFuture()
    }

    func didFinishRequest(task: HTTPClient.Task<Void>) throws {
        guard status == 200 else { throw HTTPClientEtcdTransport.answered(status, buffer, from: member) }
    }
}
