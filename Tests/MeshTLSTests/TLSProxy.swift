import MeshCore
import MeshOutput
import MeshProxy
import MeshTLS
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix

/// A `ServiceProxy` with TLS on either side, in front of real endpoints, noting every failed
/// handshake it reports.
final class TLSProxy: Sendable {
    let group: MultiThreadedEventLoopGroup
    let proxy: ServiceProxy
    let port: Int
    let failures = NIOLockedValueBox<[(Int32?, String)]>([])

    /// `accessLog`: a JSON access log written there.
    init(endpoints: [Int], mode: ProxyConfiguration.Mode = .http, server: ServerTLS? = nil, client: ClientTLS? = nil,
         accessLog: String? = nil) async throws {
        group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        var config = ProxyConfiguration(listen: "127.0.0.1:0", mode: mode)
        config.retries = 0
        if let accessLog { config.accessLog = AccessLog(service: "web", format: .json, writer: try LineWriter(path: accessLog)) }
        proxy = ServiceProxy(configuration: config, group: group, serverTLS: server, upstreamTLS: client)
        var routes: [Int32: SocketAddress] = [:]
        for (i, port) in endpoints.enumerated() { routes[Int32(i)] = try SocketAddress(ipAddress: "127.0.0.1", port: port) }
        let hosts = HostSet(hosts: routes.keys.sorted().map { HostSet.Host(slot: $0, weight: 1, key: UInt64($0)) })
        try await proxy.updateRoutes(routes, hosts: hosts).get()
        let failures = self.failures
        try await proxy.setHandshakeHook { slot, reason in failures.withLockedValue { $0.append((slot, reason)) } }.get()
        port = try await proxy.start().get().port!
    }

    var failureReasons: [String] { failures.withLockedValue { $0.map(\.1) } }

    func stop() async {
        try? await proxy.stop().get()
        try? await group.shutdownGracefully()
    }
}
