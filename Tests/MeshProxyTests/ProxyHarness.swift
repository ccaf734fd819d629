import MeshCore
@testable import MeshProxy
import NIOCore
import NIOPosix
#if canImport(Glibc)
import Glibc
#endif

/// A proxy in front of test backends (and, optionally, addresses where nothing listens).
struct ProxyHarness {
    let group: MultiThreadedEventLoopGroup
    let backends: [TestBackend]
    let proxy: ServiceProxy
    let port: Int

    static func start(backends names: [String] = ["b0", "b1"], dead: Int = 0, deadFirst: Bool = false,
                      threads: Int = 1, picker: any UpstreamPicker = RoundRobinPicker(),
                      configure: (inout ProxyConfiguration) -> Void = { _ in }) async throws -> ProxyHarness {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: threads)
        var backends: [TestBackend] = []
        for name in names { backends.append(try await TestBackend(name: name, group: group)) }
        var addresses = backends.map(\.address)
        var deadAddresses: [SocketAddress] = []
        for _ in 0..<dead { deadAddresses.append(try await freeAddress(group)) }
        addresses = deadFirst ? deadAddresses + addresses : addresses + deadAddresses
        var config = ProxyConfiguration(listen: "127.0.0.1:0")
        configure(&config)
        let proxy = ServiceProxy(configuration: config, group: group, picker: picker)
        try await proxy.updateRoutes(routes(addresses), hosts: hostSet(addresses.count)).get()
        let bound = try await proxy.start().get()
        return ProxyHarness(group: group, backends: backends, proxy: proxy, port: bound.port!)
    }

    static func routes(_ addresses: [SocketAddress]) -> [Int32: SocketAddress] {
        var out: [Int32: SocketAddress] = [:]
        for (i, a) in addresses.enumerated() { out[Int32(i)] = a }
        return out
    }

    static func hostSet(_ count: Int, except: Set<Int32> = []) -> HostSet {
        HostSet(hosts: (0..<Int32(count)).filter { !except.contains($0) }
            .map { HostSet.Host(slot: $0, weight: 1, key: StableHash.hash("svc/\($0)")) })
    }

    /// An address that refuses connections: bound once, then closed.
    /// An address that refuses connections. Not a port freed after a bind: in a parallel test
    /// run another test's server may take that port. Nothing listens on port 1 here.
    static func freeAddress(_ group: any EventLoopGroup) async throws -> SocketAddress {
        try SocketAddress(ipAddress: "127.0.0.1", port: 1)
    }

    func stop() async {
        try? await proxy.stop().get()
        for b in backends { await b.stop() }
        try? await group.shutdownGracefully()
    }
}

/// Runs a blocking client call off the cooperative pool.
func blocking<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        Thread.detach { continuation.resume(with: Result { try body() }) }
    }
}

enum Thread {
    static func detach(_ body: @escaping @Sendable () -> Void) {
        let box = Unmanaged.passRetained(Box(body))
        var tid = pthread_t()
        pthread_create(&tid, nil, { arg in
            let box = Unmanaged<Box>.fromOpaque(arg!).takeRetainedValue()
            box.body()
            return nil
        }, box.toOpaque())
        pthread_detach(tid)
    }

    private final class Box: Sendable {
        let body: @Sendable () -> Void
        init(_ body: @escaping @Sendable () -> Void) { self.body = body }
    }
}
