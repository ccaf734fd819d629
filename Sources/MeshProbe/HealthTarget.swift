public import MeshCore
public import MeshTLS
public import NIOCore

/// One endpoint to check: where it is and how (the service's `health:` policy).
public struct HealthTarget: Sendable {
    /// A resolved socket address, or a host name resolved off the event loop at each (re)connect,
    /// so that an unresolvable name is a failed check rather than an error at registration.
    public enum Address: Sendable, Hashable {
        case socket(SocketAddress)
        case host(String, port: Int)
    }

    public var service: Int
    public var slot: Int32
    public var address: Address
    public var policy: HealthPolicy
    /// The check speaks TLS, as the service's traffic to the endpoint does (`upstream_tls:`): a
    /// failed handshake or an unexpected identity fails the check.
    public var tls: ClientTLS?

    public init(service: Int, slot: Int32, address: SocketAddress, policy: HealthPolicy, tls: ClientTLS? = nil) {
        self.init(service: service, slot: slot, address: .socket(address), policy: policy, tls: tls)
    }

    /// An IP literal is taken as a socket address at once (no resolving, and TCP checks take
    /// their bare-socket path); a name is resolved at each connect.
    public init(service: Int, slot: Int32, host: String, port: Int, policy: HealthPolicy, tls: ClientTLS? = nil) {
        let address: Address = if let ip = try? SocketAddress(ipAddress: host, port: port) { .socket(ip) } else { .host(host, port: port) }
        self.init(service: service, slot: slot, address: address, policy: policy, tls: tls)
    }

    public init(service: Int, slot: Int32, address: Address, policy: HealthPolicy, tls: ClientTLS? = nil) {
        self.service = service; self.slot = slot; self.address = address; self.policy = policy; self.tls = tls
    }

    /// The name to send as SNI: the host name, when the target has one.
    var serverName: String? {
        if case .host(let host, _) = address { return host }
        return nil
    }

    var key: ProbeKey { ProbeKey(service: service, slot: slot) }

    /// `host:port` as the `Host` header wants it (`[::1]:port` for IPv6).
    var authority: String {
        switch address {
        case .host(let host, let port):
            return host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
        case .socket(let socket):
            let ip = socket.ipAddress ?? "localhost"
            let port = socket.port ?? 80
            return socket.protocol == .inet6 ? "[\(ip)]:\(port)" : "\(ip):\(port)"
        }
    }

    /// The check request, built once per target and written unchanged at every check.
    func request() -> ByteBuffer {
        let path = policy.path.isEmpty ? "/" : policy.path
        return ByteBuffer(string: "GET \(path) HTTP/1.1\r\nHost: \(authority)\r\nUser-Agent: mesh-top\r\nConnection: keep-alive\r\n\r\n")
    }
}

/// Which endpoint a probe checks; also picks the probe's event loop.
struct ProbeKey: Hashable, Sendable {
    var service: Int
    var slot: Int32
}
