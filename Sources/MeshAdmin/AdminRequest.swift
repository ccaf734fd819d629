import Foundation
import NIOCore
import NIOHTTP1

/// One admin request, read whole: the method, the path split into decoded segments, the query,
/// the headers that matter and the body.
struct AdminRequest: Sendable {
    var method: HTTPMethod
    var path: [String]
    /// The last value of each query parameter (`?passing` alone is `""`).
    var query: [String: String]
    /// Every query parameter in order, for the repeatable ones (Consul's `?tag=a&tag=b`).
    var queryItems: [(name: String, value: String)]
    var headers: HTTPHeaders
    var body: [UInt8]

    init(method: HTTPMethod, uri: String, headers: HTTPHeaders = [:], body: [UInt8] = []) {
        self.method = method
        self.headers = headers
        self.body = body
        let parts = uri.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)
        path = parts[0].split(separator: "/").map { String($0).removingPercentEncoding ?? String($0) }
        var items: [(name: String, value: String)] = []
        if parts.count > 1 {
            for pair in parts[1].split(separator: "&") {
                let kv = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
                let key = String(kv[0]).removingPercentEncoding ?? String(kv[0])
                let value = kv.count > 1 ? (String(kv[1]).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? String(kv[1])) : ""
                items.append((key, value))
            }
        }
        queryItems = items
        query = Dictionary(items.map { ($0.name, $0.value) }, uniquingKeysWith: { _, last in last })
    }

    /// Every value given for a repeatable parameter, in order.
    func values(of name: String) -> [String] { queryItems.filter { $0.name == name }.map(\.value) }

    /// The one token a client sent, taken as Consul takes it (agent/http.go, `parseTokenInternal`):
    /// the first `?token=T`, else the first `X-Consul-Token: T`, else `Authorization: Bearer T`.
    /// Only that one is checked: a wrong token does not pass because a right one came elsewhere.
    var token: String? {
        if let first = queryItems.first(where: { $0.name == "token" }), !first.value.isEmpty { return first.value }
        if let consul = headers.first(name: "x-consul-token"), !consul.isEmpty { return consul }
        if let auth = headers.first(name: "authorization") {
            let parts = auth.split(separator: " ", maxSplits: 1)
            if parts.count == 2, parts[0].lowercased() == "bearer" { return parts[1].trimmingCharacters(in: .whitespaces) }
        }
        return nil
    }

    /// Whether it changes something (and so needs the token when one is set): every write, and
    /// the Consul routes old clients call with GET.
    var isMutating: Bool {
        if method == .POST || method == .PUT || method == .DELETE || method == .PATCH { return true }
        return method == .GET && path.count >= 4 && path[0] == "v1" && path[1] == "agent"
            && ((path[2] == "service" && path[3] == "deregister") || path[2] == "check")
    }
}

extension AdminRequest {
    /// `answer()` when the request uses `method`, else a 405 naming it.
    func only(_ method: HTTPMethod, on loop: any EventLoop, _ answer: () -> AdminResponse) -> EventLoopFuture<AdminResponse> {
        guard self.method == method else { return loop.makeSucceededFuture(.notAllowed(self.method, allowed: method)) }
        return loop.makeSucceededFuture(answer())
    }
}
