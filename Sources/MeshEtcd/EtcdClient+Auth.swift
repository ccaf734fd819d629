import Foundation
import NIOCore
import NIOConcurrencyHelpers

/// etcd's user/password auth through the JSON gateway (etcd.io/docs/v3.4/dev-guide/api_grpc_gateway,
/// "Authentication"): `/v3/auth/authenticate` trades the password for a token, sent as the
/// `Authorization` header of every call. A token runs out (`--auth-token-ttl`, 5 minutes by
/// default) or dies with a restart: etcd then answers "invalid auth token", and the client
/// authenticates again and repeats the call once.
extension EtcdClient {
    struct Authenticate: Encodable { var name: String; var password: String }
    struct Authenticated: Decodable, Sendable { var token: String? }

    /// Runs `body` with the token (nil without credentials); once more with a new token when
    /// etcd refuses the one it had.
    func authorized<T: Sendable>(_ body: @escaping @Sendable (String?) -> EventLoopFuture<T>) -> EventLoopFuture<T> {
        guard cluster.credentials != nil else {
            return body(nil).flatMapErrorThrowing { error in throw Self.explained(error) }
        }
        return currentToken().flatMap { token in
            body(token).flatMapError { error in
                guard let refused = error as? EtcdError, refused.isAuthFailure else {
                    return self.transport.group.next().makeFailedFuture(error)
                }
                self.token.withLockedValue { if $0 == token { $0 = nil } }
                return self.currentToken().flatMap(body)
            }
        }
    }

    /// The token held, or a new one.
    func currentToken() -> EventLoopFuture<String?> {
        if let token = token.withLockedValue({ $0 }) { return transport.group.next().makeSucceededFuture(token) }
        return authenticate().map { Optional($0) }
    }

    /// Trades the password for a token. Fails with one line naming the user when etcd refuses.
    func authenticate() -> EventLoopFuture<String> {
        guard let credentials = cluster.credentials else {
            return transport.group.next().makeFailedFuture(EtcdError("no etcd user to authenticate as"))
        }
        let request = Authenticate(name: credentials.user, password: credentials.password)
        // Our own request type: encoding it cannot fail.
        let body = (try? JSONEncoder().encode(request)).map(Array.init) ?? []
        return post("/v3/auth/authenticate", body: body, authorization: nil).flatMapThrowing { member, bytes in
            guard let token = (try? JSONDecoder().decode(Authenticated.self, from: Data(bytes)))?.token, !token.isEmpty else {
                throw EtcdError("etcd at \(member) gave no token for user '\(credentials.user)': is auth enabled there?")
            }
            self.token.withLockedValue { $0 = token }
            return token
        }.flatMapErrorThrowing { error in
            guard let refused = error as? EtcdError, case .answered = refused.kind else { throw error }
            throw EtcdError("etcd refused user '\(credentials.user)': \(refused.description)")
        }
    }

    /// An etcd with auth enabled answering a client that has no user: say what to give.
    static func explained(_ error: any Error) -> any Error {
        guard let refused = error as? EtcdError, refused.description.contains("user name is empty") else { return error }
        return EtcdError("\(refused.description): etcd has auth enabled; give --registry-user and the password (MESH_TOP_ETCD_PASSWORD or --registry-password-file)",
                         kind: refused.kind)
    }
}

extension EtcdError {
    /// etcd no longer takes the token (expired, or etcd restarted): authenticate again.
    var isAuthFailure: Bool {
        kind == .answered(status: 401) || description.contains("invalid auth token")
    }
}
