import Foundation
public import NIOCore
import NIOConcurrencyHelpers
import NIOHTTP1
import NIOPosix

/// A small client for etcd's v3 HTTP/JSON gateway, on the caller's event loops: leases, put,
/// delete, range and watch: what sharing a registry needs. One short connection per call
/// (registrations and keep-alives are rare); members are tried in order, starting with the
/// last one that answered. Every method returns a future, so a plain thread can `wait()`.
public final class EtcdClient: Sendable {
    public let cluster: EtcdCluster
    let group: any EventLoopGroup
    private let preferred = NIOLockedValueBox(0)
    let timeout: TimeAmount

    public init(cluster: EtcdCluster, group: any EventLoopGroup, timeout: TimeAmount = .seconds(3)) {
        self.cluster = cluster; self.group = group; self.timeout = timeout
    }

    // MARK: Calls

    /// A lease that lives `ttl` seconds unless kept alive; its ID.
    public func grantLease(ttl: Int64) -> EventLoopFuture<Int64> {
        post("/v3/lease/grant", LeaseGrant(TTL: ttl), as: LeaseGranted.self).flatMapThrowing { answer in
            guard let text = answer.ID, let id = Int64(text) else {
                throw EtcdError("etcd granted no lease\(answer.error.map { ": \($0)" } ?? "")")
            }
            return id
        }
    }

    /// Renews `lease`; false when etcd no longer knows it (it ran out).
    public func keepAlive(lease: Int64) -> EventLoopFuture<Bool> {
        post("/v3/lease/keepalive", LeaseID(ID: lease), as: KeepAliveAnswer.self).map { answer in
            (answer.result?.TTL.flatMap { Int64($0) } ?? 0) > 0
        }
    }

    /// Ends `lease` now: every key written with it is deleted.
    public func revoke(lease: Int64) -> EventLoopFuture<Void> {
        post("/v3/lease/revoke", LeaseID(ID: lease), as: Empty.self).map { _ in }
    }

    public func put(key: String, value: [UInt8], lease: Int64? = nil) -> EventLoopFuture<Void> {
        post("/v3/kv/put", Put(key: Self.base64(key), value: Self.base64(value), lease: lease), as: Empty.self).map { _ in }
    }

    /// Deletes `key`; how many keys were deleted (0 or 1).
    public func delete(key: String) -> EventLoopFuture<Int> {
        post("/v3/kv/deleterange", DeleteRange(key: Self.base64(key)), as: Deleted.self).map { answer in
            answer.deleted.flatMap { Int($0) } ?? 0
        }
    }

    /// Every key under `prefix`, and the revision they were read at.
    public func range(prefix: String) -> EventLoopFuture<EtcdSnapshot> {
        post("/v3/kv/range", Range(key: Self.base64(prefix), range_end: Self.prefixEnd(prefix)), as: RangeAnswer.self).map { answer in
            EtcdSnapshot(revision: answer.header?.revision.flatMap { Int64($0) } ?? 0,
                         pairs: (answer.kvs ?? []).map(Self.pair))
        }
    }

    /// Follows every change under `prefix` after `revision`. `onEvents` runs on an event loop for
    /// each batch. The watch's `ended` future completes when the stream stops for any reason
    /// (cancelled, the member went away, etcd cancelled it because the revision was compacted),
    /// failing with the reason when one is known.
    public func watch(prefix: String, after revision: Int64,
                      onEvents: @escaping @Sendable ([EtcdEvent]) -> Void) -> EtcdWatch {
        let ended = group.next().makePromise(of: Void.self)
        let request = WatchCreate(create_request: .init(key: Self.base64(prefix), range_end: Self.prefixEnd(prefix),
                                                        start_revision: revision + 1))
        let channel = send("/v3/watch", request, reader: { EtcdReader(lines: { line in
            guard let answer = try? JSONDecoder().decode(WatchAnswer.self, from: Data(line)) else { return }
            if let error = answer.error {
                throw EtcdError("etcd watch: \(error.message ?? error.error ?? "error")")
            }
            guard let result = answer.result else { return }
            if result.canceled == true {
                let why = result.compact_revision.map { "revision compacted to \($0)" } ?? result.cancel_reason ?? "cancelled"
                throw EtcdError("etcd watch: \(why)")
            }
            let events: [EtcdEvent] = (result.events ?? []).compactMap { event in
                guard let kv = event.kv else { return nil }
                let pair = Self.pair(kv)
                return event.type == "DELETE" ? .delete(key: pair.key, revision: pair.modRevision) : .put(pair)
            }
            if !events.isEmpty { onEvents(events) }
        }, ended: ended) }, connectFailure: ended)
        return EtcdWatch(channel: channel, ended: ended.futureResult)
    }

    // MARK: Transport

    private func post<Request: Encodable, Response: Decodable & Sendable>(
        _ path: String, _ request: Request, as: Response.Type
    ) -> EventLoopFuture<Response> {
        let loop = group.next()
        let answer = loop.makePromise(of: [UInt8].self)
        _ = send(path, request, reader: { EtcdReader(whole: answer) }, connectFailure: nil, answer: answer)
        return answer.futureResult.flatMapThrowing { body in
            do {
                return try JSONDecoder().decode(Response.self, from: Data(body))
            } catch {
                throw EtcdError("etcd answered \(path) with something that is not its JSON")
            }
        }
    }

    /// Connects to the members in turn and sends one POST whose answer `reader` handles.
    /// The answer's promise (or `connectFailure`) fails when no member takes the connection.
    private func send<Request: Encodable>(
        _ path: String, _ request: Request, reader: @escaping @Sendable () -> EtcdReader,
        connectFailure: EventLoopPromise<Void>?, answer: EventLoopPromise<[UInt8]>? = nil
    ) -> EventLoopFuture<any Channel> {
        let body = (try? JSONEncoder().encode(request)).map(Array.init) ?? []
        let members = cluster.members
        let start = preferred.withLockedValue { $0 } % max(1, members.count)
        let order = Array(start..<members.count) + Array(0..<start)
        let timeout = self.timeout
        let connected = group.next().makePromise(of: (any Channel).self)

        @Sendable func attempt(_ i: Int, _ failures: [String]) {
            guard i < order.count else {
                let error = EtcdError("cannot reach etcd: \(failures.joined(separator: "; "))")
                connected.fail(error)
                answer?.fail(error)
                connectFailure?.fail(error)
                return
            }
            let member = members[order[i]]
            let bootstrap = ClientBootstrap(group: group)
                .connectTimeout(timeout)
                .channelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.addHTTPClientHandlers()
                        try channel.pipeline.syncOperations.addHandler(reader())
                    }
                }
            bootstrap.connect(host: member.host, port: member.port).whenComplete { result in
                switch result {
                case .failure(let error):
                    attempt(i + 1, failures + ["\(member): \(Self.reason(error))"])
                case .success(let channel):
                    self.preferred.withLockedValue { $0 = order[i] }
                    var headers = HTTPHeaders()
                    headers.add(name: "Host", value: member.description)
                    headers.add(name: "Content-Type", value: "application/json")
                    headers.add(name: "Content-Length", value: String(body.count))
                    headers.add(name: "Connection", value: "close")
                    let head = HTTPRequestHead(version: .http1_1, method: .POST, uri: path, headers: headers)
                    channel.write(HTTPClientRequestPart.head(head), promise: nil)
                    channel.write(HTTPClientRequestPart.body(.byteBuffer(channel.allocator.buffer(bytes: body))), promise: nil)
                    channel.writeAndFlush(HTTPClientRequestPart.end(nil), promise: nil)
                    if let answer {
                        // A unary call that hangs is a failure, never a hang.
                        let timer = channel.eventLoop.scheduleTask(in: timeout) {
                            answer.fail(EtcdError("etcd at \(member) did not answer \(path) in time"))
                            channel.close(promise: nil)
                        }
                        answer.futureResult.whenComplete { _ in timer.cancel() }
                    }
                    connected.succeed(channel)
                }
            }
        }
        attempt(0, [])
        return connected.futureResult
    }

    /// `connection refused`, not NIO's nested description.
    private static func reason(_ error: any Error) -> String {
        if let failed = error as? NIOConnectionError, let first = failed.connectionErrors.first {
            return reason(first.error)
        }
        if error is NIOConnectionError || error is SocketAddressError { return "cannot resolve the host name" }
        if let io = error as? IOError { return String(cString: strerror(io.errnoCode)).lowercased() }
        if case ChannelError.connectTimeout = error { return "no answer to connect" }
        return "\(error)"
    }
}
