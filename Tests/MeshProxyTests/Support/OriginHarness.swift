import MeshCore
@testable import MeshProxy
import NIOCore
import NIOPosix

/// The real proxy on sockets in front of one `StrictOrigin` (or several): for the conformance
/// table and the field cases.
struct OriginHarness {
    let group: MultiThreadedEventLoopGroup
    let origins: [StrictOrigin]
    let proxy: ServiceProxy
    let port: Int

    var origin: StrictOrigin { origins[0] }

    typealias Answer = @Sendable (StrictOrigin.Request) -> StrictOrigin.Answer

    static let ok: Answer = { _ in .bytes("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok", close: false) }

    static func start(origins count: Int = 1, answer: @escaping Answer = ok,
                      configure: (inout ProxyConfiguration) -> Void = { _ in }) async throws -> OriginHarness {
        try await start(answers: Array(repeating: answer, count: count), configure: configure)
    }

    /// One origin per answer, endpoints 0, 1, ... in order.
    static func start(answers: [Answer], configure: (inout ProxyConfiguration) -> Void = { _ in }) async throws -> OriginHarness {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        var origins: [StrictOrigin] = []
        for answer in answers { origins.append(try await StrictOrigin(group: group, answer: answer)) }
        var config = ProxyConfiguration(listen: "127.0.0.1:0", retries: 0, maxHeadBytes: 4096, maxChunkLineBytes: 64,
                                        forwardedFor: false)
        configure(&config)
        let proxy = ServiceProxy(configuration: config, group: group)
        let addresses = origins.map(\.address)
        try await proxy.updateRoutes(ProxyHarness.routes(addresses), hosts: ProxyHarness.hostSet(addresses.count)).get()
        let bound = try await proxy.start().get()
        return OriginHarness(group: group, origins: origins, proxy: proxy, port: bound.port!)
    }

    func stop() async {
        try? await proxy.stop().get()
        for origin in origins { await origin.stop() }
        try? await group.shutdownGracefully()
    }
}
