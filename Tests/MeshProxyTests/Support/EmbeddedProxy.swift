import MeshCore
@testable import MeshProxy
import NIOCore
import NIOEmbedded

/// The HTTP data path without sockets: a client connection's handler and pooled upstream
/// connections, each on an `EmbeddedChannel` of one `EmbeddedEventLoop`.
struct EmbeddedProxy {
    let eventLoop = EmbeddedEventLoop()
    let context: LoopContext
    let client: EmbeddedChannel

    init(endpoints: Int = 1, configure: (inout ProxyConfiguration) -> Void = { _ in }) throws {
        var config = ProxyConfiguration(listen: "127.0.0.1:0", forwardedFor: false)
        configure(&config)
        context = LoopContext(eventLoop: eventLoop, config: config, picker: RoundRobinPicker())
        var routes: [Int32: SocketAddress] = [:]
        for slot in 0..<endpoints { routes[Int32(slot)] = try Self.address(Int32(slot)) }
        context.setRoutes(routes, hosts: ProxyHarness.hostSet(endpoints))
        client = EmbeddedChannel(loop: eventLoop)
        try client.pipeline.syncOperations.addHandler(HTTPFrontendHandler(loop: context))
        try client.connect(to: SocketAddress(ipAddress: "10.1.2.3", port: 4000)).wait()
    }

    static func address(_ slot: Int32) throws -> SocketAddress {
        try SocketAddress(ipAddress: "127.0.0.1", port: 9000 + Int(slot))
    }

    /// A connected upstream connection to `slot`, put in the pool as a response would leave it.
    @discardableResult
    func pooledUpstream(_ slot: Int32 = 0) throws -> EmbeddedChannel {
        let channel = EmbeddedChannel(loop: eventLoop)
        let conn = UpstreamConnection(slot: slot, address: try Self.address(slot), loop: context)
        try channel.pipeline.syncOperations.addHandler(conn)
        try channel.connect(to: Self.address(slot)).wait()
        context.upstreams[Int(slot)].add(conn)
        context.release(conn, reusable: true, now: .now())
        return channel
    }

    func send(_ text: String) throws {
        try client.writeInbound(ByteBuffer(string: text))
    }

    func answer(_ upstream: EmbeddedChannel, _ text: String) throws {
        try upstream.writeInbound(ByteBuffer(string: text))
    }

    /// Everything written to `channel` so far, as text.
    func written(_ channel: EmbeddedChannel) throws -> String {
        var text = ""
        while let buffer = try channel.readOutbound(as: ByteBuffer.self) { text += String(buffer: buffer) }
        return text
    }

    var idleCount: Int { context.idle.reduce(0) { $0 + $1.count } }

    /// The client connection's handler.
    var frontend: HTTPFrontendHandler {
        get throws { try client.pipeline.syncOperations.handler(type: HTTPFrontendHandler.self) }
    }
}
