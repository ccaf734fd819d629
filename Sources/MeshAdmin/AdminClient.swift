public import Foundation
import AsyncHTTPClient
import MeshCore
import NIOCore
import NIOHTTP1
public import NIOSSL

/// mesh-top's client for what it calls out to over HTTP: the admin API (`mesh-top ctl`, tests)
/// and alert webhooks. AsyncHTTPClient does the work (connections, TLS, HTTP/1.1 framing);
/// this adds the bearer token and a blocking call for callers that are on no event loop.
public struct AdminClient: Sendable {
    public struct Answer: Sendable {
        public var status: Int
        public var headers: [(String, String)]
        public var body: [UInt8]

        public var text: String { String(decoding: body, as: UTF8.self) }
        public func header(_ name: String) -> String? { headers.first { $0.0.lowercased() == name.lowercased() }?.1 }
        /// The `error` of a `{"error": "..."}` answer.
        public var error: String? {
            // Not every refusal has a JSON body: then there is no message to show.
            (try? JSONSerialization.jsonObject(with: Data(body)) as? [String: Any])?["error"] as? String
        }
    }

    /// `http://HOST:PORT` or `https://HOST:PORT`; request paths are appended.
    public var base: String
    public var token: String?
    /// For https: whom to trust and what to present; nil for the system's roots and no
    /// client certificate.
    public var tls: TLSConfiguration?

    /// The admin API at `host:port`, over https when `tls` is given.
    public init(host: String, port: Int, token: String? = nil, tls: TLSConfiguration? = nil) {
        let authority = host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
        self.init(base: (tls == nil ? "http://" : "https://") + authority, token: token, tls: tls)
    }

    public init(base: String, token: String? = nil, tls: TLSConfiguration? = nil) {
        self.base = base; self.token = token; self.tls = tls
    }

    /// The one client, for the process's life. A refused connection fails the request at once
    /// (AsyncHTTPClient would retry it until the deadline): ctl says so, a webhook is logged.
    /// Redirects are not followed: an answer is what the admin API or the webhook said.
    static let http: HTTPClient = {
        var configuration = HTTPClient.Configuration()
        configuration.connectionPool.retryConnectionEstablishment = false
        configuration.timeout.connect = .seconds(3)
        configuration.redirectConfiguration = .disallow
        return HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
    }()

    /// Sends one request and waits for the whole answer, at most `timeout` seconds. Throws
    /// `AdminClientError.timeout` when that passes, another error when there is no answer.
    public func send(_ method: String, _ path: String, body: String? = nil, timeout: Double = 10) throws -> Answer {
        var headers = HTTPHeaders()
        if let token { headers.add(name: "Authorization", value: "Bearer \(token)") }
        if body != nil { headers.add(name: "Content-Type", value: "application/json") }
        let request = try HTTPClient.Request(url: base + path, method: HTTPMethod(rawValue: method), headers: headers,
                                             body: body.map { .string($0) }, tlsConfiguration: tls)
        let deadline = NIODeadline.now() + .nanoseconds(MeshDuration.nanoseconds(timeout))
        let response: HTTPClient.Response
        do {
            response = try Self.http.execute(request: request, deadline: deadline).wait()
        } catch let error as HTTPClientError where [.deadlineExceeded, .readTimeout].contains(error) {
            throw AdminClientError.timeout
        }
        return Answer(status: Int(response.status.code), headers: response.headers.map { ($0.name, $0.value) },
                      body: response.body.map { Array($0.readableBytesView) } ?? [])
    }
}
