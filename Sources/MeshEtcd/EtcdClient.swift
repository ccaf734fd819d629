import Foundation
public import NIOCore
import NIOConcurrencyHelpers

/// A client for etcd's v3 JSON gateway (etcd.io/docs/v3.4/dev-guide/api_grpc_gateway): leases,
/// put, delete, transactions, range and watch: what sharing a mesh needs. Calls go to the
/// member that last answered; one that cannot be reached, does not answer within `timeout` or
/// cannot serve (5xx) is passed over for the next, as etcd's own clientv3 balancer does, so a
/// dead or frozen member costs one timeout, not the call. With `cluster.credentials` every
/// call carries etcd's auth token. Every method returns a future, so a plain thread can `wait()`.
public final class EtcdClient: Sendable {
    public let cluster: EtcdCluster
    let transport: any EtcdTransport
    let timeout: TimeAmount
    private let preferred = NIOLockedValueBox(0)
    /// etcd's auth token while it is good (see `EtcdClient+Auth`).
    let token = NIOLockedValueBox<String?>(nil)

    public init(cluster: EtcdCluster, transport: any EtcdTransport, timeout: TimeAmount = .seconds(5)) {
        self.cluster = cluster; self.transport = transport; self.timeout = timeout
    }

    public convenience init(cluster: EtcdCluster, group: any EventLoopGroup, timeout: TimeAmount = .seconds(5)) {
        self.init(cluster: cluster, transport: HTTPClientEtcdTransport(group: group, tls: cluster.tls), timeout: timeout)
    }

    /// The member calls go to first: the last one that answered.
    public var member: EtcdCluster.Member { cluster.members[preferred.withLockedValue { $0 } % cluster.members.count] }

    // MARK: Leases

    /// A lease that lives `ttl` seconds unless kept alive; its ID.
    public func grantLease(ttl: Int64) -> EventLoopFuture<Int64> {
        call("/v3/lease/grant", LeaseGrant(TTL: ttl), as: LeaseGranted.self).flatMapThrowing { answer in
            guard let text = answer.ID, let id = Int64(text) else {
                throw EtcdError("etcd granted no lease\(answer.error.map { ": \($0)" } ?? "")")
            }
            return id
        }
    }

    /// Renews `lease`; false when etcd no longer knows it (it ran out, or was revoked).
    public func keepAlive(lease: Int64) -> EventLoopFuture<Bool> {
        call("/v3/lease/keepalive", LeaseID(ID: lease), as: KeepAliveAnswer.self).map { answer in
            (answer.result?.TTL.flatMap { Int64($0) } ?? 0) > 0
        }
    }

    /// Ends `lease` now: every key written with it is deleted, in one revision.
    public func revoke(lease: Int64) -> EventLoopFuture<Void> {
        call("/v3/lease/revoke", LeaseID(ID: lease), as: Empty.self).map { _ in }
    }

    // MARK: Keys

    public func put(key: String, value: [UInt8], lease: Int64? = nil) -> EventLoopFuture<Void> {
        call("/v3/kv/put", Put(key: Self.base64(key), value: Self.base64(value), lease: lease), as: Empty.self).map { _ in }
    }

    /// Deletes `key`; how many keys were deleted (0 or 1).
    public func delete(key: String) -> EventLoopFuture<Int> {
        call("/v3/kv/deleterange", DeleteRange(key: Self.base64(key)), as: Deleted.self).map { answer in
            answer.deleted.flatMap { Int($0) } ?? 0
        }
    }

    /// Applies every operation in one transaction: one revision, all or nothing.
    public func commit(_ operations: [EtcdOperation]) -> EventLoopFuture<Void> {
        guard !operations.isEmpty else { return transport.group.next().makeSucceededVoidFuture() }
        return call("/v3/kv/txn", Txn(compare: [], success: operations.map(Self.request), failure: []), as: TxnAnswer.self).map { _ in }
    }

    /// Writes `key` unless it exists (a transaction comparing its create revision with 0):
    /// nil when written, else the pair that is there.
    public func create(key: String, value: [UInt8], lease: Int64?) -> EventLoopFuture<EtcdKeyValue?> {
        let compare = Txn.Compare(key: Self.base64(key), target: "CREATE", create_revision: "0", result: "EQUAL")
        let txn = Txn(compare: [compare], success: [Self.request(.put(key: key, value: value, lease: lease))],
                      failure: [.init(request_range: Range(key: Self.base64(key), range_end: nil))])
        return call("/v3/kv/txn", txn, as: TxnAnswer.self).map { answer in
            guard answer.succeeded != true else { return nil }
            return answer.responses?.first?.response_range?.kvs?.first.map(Self.pair)
        }
    }

    /// Every key under `prefix`, and the revision they were read at.
    public func range(prefix: String) -> EventLoopFuture<EtcdSnapshot> {
        call("/v3/kv/range", Range(key: Self.base64(prefix), range_end: Self.prefixEnd(prefix)), as: RangeAnswer.self).map { answer in
            EtcdSnapshot(revision: answer.header?.revision.flatMap { Int64($0) } ?? 0,
                         pairs: (answer.kvs ?? []).map(Self.pair))
        }
    }

    // MARK: Calling members in turn

    /// POSTs to the members in turn (see `post`) with the auth token when etcd wants one, and
    /// decodes the answer.
    func call<Request: Encodable, Response: Decodable & Sendable>(
        _ path: String, _ request: Request, as: Response.Type
    ) -> EventLoopFuture<Response> {
        // Our own request types: encoding them cannot fail.
        let body = (try? JSONEncoder().encode(request)).map(Array.init) ?? []
        return authorized { token in self.post(path, body: body, authorization: token) }.flatMapThrowing { member, bytes in
            do {
                return try JSONDecoder().decode(Response.self, from: Data(bytes))
            } catch {
                throw EtcdError("etcd at \(member) answered \(path) with something that is not its JSON")
            }
        }
    }

    /// POSTs to the members in turn, from the preferred one, until one answers; a member
    /// failure moves on, any other failure is the call's. The first member to answer becomes
    /// the preferred one. The member that answered, and its answer.
    func post(_ path: String, body: [UInt8], authorization: String?) -> EventLoopFuture<(EtcdCluster.Member, [UInt8])> {
        let answer = transport.group.next().makePromise(of: (EtcdCluster.Member, [UInt8]).self)
        let members = cluster.members
        let order = memberOrder

        @Sendable func attempt(_ i: Int, _ failures: [String]) {
            guard i < order.count else {
                return answer.fail(EtcdError("cannot reach etcd: \(failures.joined(separator: "; "))", kind: .unreachable))
            }
            transport.post(path, body: body, to: members[order[i]], authorization: authorization, timeout: timeout).whenComplete { result in
                switch result {
                case .success(let bytes):
                    self.prefer(order[i])
                    answer.succeed((members[order[i]], bytes))
                case .failure(let error as EtcdError) where error.isMemberFailure:
                    attempt(i + 1, failures + [error.description])
                case .failure(let error):
                    answer.fail(error)
                }
            }
        }
        attempt(0, [])
        return answer.futureResult
    }

    /// Member indices from the preferred one on.
    var memberOrder: [Int] {
        let start = preferred.withLockedValue { $0 } % cluster.members.count
        return Array(start..<cluster.members.count) + Array(0..<start)
    }

    func prefer(_ member: Int) { preferred.withLockedValue { $0 = member } }
}
