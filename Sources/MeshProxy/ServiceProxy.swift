public import MeshCore
public import NIOCore
import NIOConcurrencyHelpers
import NIOPosix

/// One service's listener (HTTP/1.1 or TCP) and its data plane on every loop of an event-loop
/// group. The control plane talks to it only through these methods; each hops to the loops and
/// changes their own state there, so the request path never takes a shared lock.
public final class ServiceProxy: Sendable {
    public let configuration: ProxyConfiguration
    private let group: any EventLoopGroup
    private let state: NIOLockedValueBox<State>

    struct LoopHandle: Sendable {
        let eventLoop: any EventLoop
        let context: NIOLoopBound<LoopContext>
    }

    private struct State {
        var routes: [Int32: SocketAddress] = [:]
        var hosts = HostSet.empty
        var picker: any UpstreamPicker
        var outcomeHook: (@Sendable () -> (Int32, Bool) -> Void)?
        var loops: [LoopHandle] = []
        var channel: (any Channel)?
    }

    /// `picker` is copied to every loop, each copy then living on its own.
    public init(configuration: ProxyConfiguration, group: any EventLoopGroup, picker: any UpstreamPicker = RoundRobinPicker()) {
        self.configuration = configuration
        self.group = group
        state = NIOLockedValueBox(State(picker: picker))
    }

    // MARK: Lifecycle

    /// Binds the listener. Throws a `ProxyError` with a one-line reason (address in use,
    /// unresolvable host) instead of crashing.
    @discardableResult
    public func start() async throws -> SocketAddress {
        let address = try Self.resolve(configuration.listen, what: "listen address")
        let snapshot = state.withLockedValue { $0 }
        guard snapshot.channel == nil else { throw ProxyError("\(configuration.listen): already started") }
        var loops: [LoopHandle] = []
        let config = configuration
        for eventLoop in group.makeIterator() {
            let context = try await eventLoop.submit {
                let context = LoopContext(eventLoop: eventLoop, config: config, picker: snapshot.picker)
                context.setRoutes(snapshot.routes, hosts: snapshot.hosts)
                context.outcomeHook = snapshot.outcomeHook?()
                context.startTicker()
                return NIOLoopBound(context, eventLoop: eventLoop)
            }.get()
            loops.append(LoopHandle(eventLoop: eventLoop, context: context))
        }
        let channel: any Channel
        do {
            channel = try await makeBootstrap(loops).bind(to: address).get()
        } catch {
            await Self.shutdown(loops)
            throw ProxyError(Self.describe(error, listen: configuration.listen))
        }
        state.withLockedValue { $0.loops = loops; $0.channel = channel }
        return channel.localAddress ?? address
    }

    /// The bound address (with the real port when the configuration asked for port 0).
    public var localAddress: SocketAddress? {
        state.withLockedValue { $0.channel?.localAddress }
    }

    /// Stops listening and closes every connection of this service.
    public func stop() async {
        let (channel, loops) = state.withLockedValue { s in
            defer { s.channel = nil; s.loops = [] }
            return (s.channel, s.loops)
        }
        try? await channel?.close()
        await Self.shutdown(loops)
    }

    private static func shutdown(_ loops: [LoopHandle]) async {
        for handle in loops {
            try? await handle.eventLoop.submit { handle.context.value.shutdown() }.get()
        }
    }

    private func makeBootstrap(_ loops: [LoopHandle]) -> ServerBootstrap {
        let mode = configuration.mode
        return ServerBootstrap(group: group)
            .serverChannelOption(ChannelOptions.backlog, value: 1024)
            .serverChannelOption(ChannelOptions.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(ChannelOptions.allowRemoteHalfClosure, value: true)
            // A TCP relay reads nothing until its endpoint is connected.
            .childChannelOption(ChannelOptions.autoRead, value: mode == .http)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    guard let handle = loops.first(where: { $0.eventLoop === channel.eventLoop }) else {
                        throw ProxyError("connection accepted on a loop the proxy does not know")
                    }
                    let loop = handle.context.value
                    switch mode {
                    case .http: try channel.pipeline.syncOperations.addHandler(HTTPFrontendHandler(loop: loop))
                    case .tcp: try channel.pipeline.syncOperations.addHandler(TCPRelay(loop: loop))
                    }
                }
            }
    }

    // MARK: Routes

    /// Replaces the endpoint addresses (by slot) and the eligible hosts, on every loop.
    public func updateRoutes(_ routes: [Int32: SocketAddress], hosts: HostSet) async {
        let loops = state.withLockedValue { s in
            s.routes = routes; s.hosts = hosts
            return s.loops
        }
        await Self.onEveryLoop(loops) { $0.setRoutes(routes, hosts: hosts) }
    }

    /// Replaces the balancer (e.g. another algorithm); each loop gets its own copy.
    public func replacePicker(_ picker: any UpstreamPicker) async {
        let (loops, hosts) = state.withLockedValue { s in
            s.picker = picker
            return (s.loops, s.hosts)
        }
        await Self.onEveryLoop(loops) { context in
            var copy = picker
            copy.update(hosts)
            context.picker = copy
        }
    }

    /// Installs a passive-outlier hook: `make` runs once per loop, and the function it returns is
    /// called on that loop after every attempt with (slot, success).
    public func setOutcomeHook(_ make: @escaping @Sendable () -> (Int32, Bool) -> Void) async {
        let loops = state.withLockedValue { s in
            s.outcomeHook = make
            return s.loops
        }
        await Self.onEveryLoop(loops) { $0.outcomeHook = make() }
    }

    static func onEveryLoop(_ loops: [LoopHandle], _ body: @escaping @Sendable (LoopContext) -> Void) async {
        for handle in loops {
            try? await handle.eventLoop.submit { body(handle.context.value) }.get()
        }
    }

    var loops: [LoopHandle] { state.withLockedValue { $0.loops } }
}
