public import Logging
public import MeshCore
public import NIOCore
public import MeshTLS
import MeshOutput
import NIOConcurrencyHelpers
import NIOPosix

/// One service's listener (HTTP/1.1 or TCP) and its data plane on every loop of an event-loop
/// group. The control plane talks to it only through these methods; each hops to the loops and
/// changes their own state there, so the request path never takes a shared lock.
public final class ServiceProxy: Sendable {
    public let configuration: ProxyConfiguration
    private let group: any EventLoopGroup
    private let logger: Logger
    let state: NIOLockedValueBox<State>

    struct LoopHandle: Sendable {
        let eventLoop: any EventLoop
        let context: NIOLoopBound<LoopContext>
    }

    struct State {
        var routes: [Int32: SocketAddress] = [:]
        var hosts = HostSet.empty
        var names: [Int32: String] = [:]
        var picker: any UpstreamPicker
        var outcomeHook: (@Sendable () -> (Int32, Bool) -> Void)?
        var loops: [LoopHandle] = []
        var channel: (any Channel)?
        var serverTLS: ServerTLS?
        var upstreamTLS: ClientTLS?
        var handshakeHook: (@Sendable (Int32?, String) -> Void)?
    }

    /// `picker` is copied to every loop, each copy then living on its own but for requests in
    /// flight, which the copies count together (`UpstreamPicker.shareRequestsInFlight`). With `serverTLS` the
    /// listener terminates TLS; with `upstreamTLS` connections to endpoints speak it. The
    /// listener's errors once it runs go to `logger`.
    public init(configuration: ProxyConfiguration, group: any EventLoopGroup,
                picker: any UpstreamPicker = Balancer(kind: .roundRobin, seed: 1),
                serverTLS: ServerTLS? = nil, upstreamTLS: ClientTLS? = nil,
                logger: Logger = Logger(label: "mesh-top", factory: { _ in SwiftLogNoOpLogHandler() })) {
        self.configuration = configuration
        self.group = group
        self.logger = logger
        var picker = picker
        picker.shareRequestsInFlight()
        state = NIOLockedValueBox(State(picker: picker, serverTLS: serverTLS, upstreamTLS: upstreamTLS))
    }

    // MARK: Lifecycle

    /// Binds the listener. Fails with a `ProxyError` with a one-line reason (address in use,
    /// unresolvable host) instead of crashing. Every control method returns a future, so that
    /// a plain control thread can `wait()` and async code can `get()` without either needing
    /// the other's threads.
    public func start() -> EventLoopFuture<SocketAddress> {
        let anyLoop = group.next()
        let address: SocketAddress
        do {
            address = try Self.resolve(configuration.listen, what: "listen address")
        } catch {
            return anyLoop.makeFailedFuture(error)
        }
        let snapshot = state.withLockedValue { $0 }
        guard snapshot.channel == nil else {
            return anyLoop.makeFailedFuture(ProxyError("\(configuration.listen): already started"))
        }
        let config = configuration
        let contexts = group.makeIterator().map { eventLoop in
            eventLoop.submit {
                let context = LoopContext(eventLoop: eventLoop, config: config, picker: snapshot.picker)
                context.setRoutes(snapshot.routes, hosts: snapshot.hosts)
                context.setNames(snapshot.names)
                context.outcomeHook = snapshot.outcomeHook?()
                context.serverTLS = snapshot.serverTLS
                context.upstreamTLS = snapshot.upstreamTLS
                context.handshakeHook = snapshot.handshakeHook
                context.startTicker()
                return LoopHandle(eventLoop: eventLoop, context: NIOLoopBound(context, eventLoop: eventLoop))
            }
        }
        let listen = configuration.listen
        return EventLoopFuture.whenAllSucceed(contexts, on: anyLoop).flatMap { loops in
            self.makeBootstrap(loops).bind(to: address).flatMapError { error in
                Self.shutdown(loops, on: anyLoop).flatMapThrowing { throw ProxyError(Self.describe(error, listen: listen)) }
            }.map { channel in
                self.state.withLockedValue { $0.loops = loops; $0.channel = channel }
                return channel.localAddress ?? address
            }
        }
    }

    /// The bound address (with the real port when the configuration asked for port 0).
    public var localAddress: SocketAddress? {
        state.withLockedValue { $0.channel?.localAddress }
    }

    /// Stops listening and closes every connection of this service.
    public func stop() -> EventLoopFuture<Void> {
        let (channel, loops) = state.withLockedValue { s in
            defer { s.channel = nil; s.loops = [] }
            return (s.channel, s.loops)
        }
        let anyLoop = group.next()
        let closed = channel?.close() ?? anyLoop.makeSucceededVoidFuture()
        return closed.flatMapError { _ in anyLoop.makeSucceededVoidFuture() }
            .flatMap { Self.shutdown(loops, on: anyLoop) }
    }

    /// Stops gracefully, as HAProxy's soft-stop and Envoy's drain do: the listener closes at once
    /// (new connections are refused); connections between requests close; a request in flight,
    /// or one part received, is answered — with `Connection: close` — and its connection then
    /// closes; TCP relays run on. After `timeout` seconds (default: `drain_timeout`) whatever is
    /// left is closed, as `stop()` does; calling `stop()` meanwhile cuts the wait short.
    /// The future completes when every connection is gone.
    public func stopGracefully(timeout: Double? = nil) -> EventLoopFuture<Void> {
        let (channel, loops) = state.withLockedValue { s in
            defer { s.channel = nil }
            return (s.channel, s.loops)
        }
        let anyLoop = group.next()
        let deadline = NIODeadline.now() + .nanoseconds(Int64((timeout ?? configuration.drainTimeout) * 1e9))
        let closed = channel?.close() ?? anyLoop.makeSucceededVoidFuture()
        return closed.flatMapError { _ in anyLoop.makeSucceededVoidFuture() }
            .flatMap { Self.onEveryLoop(loops, on: anyLoop) { $0.beginStop() } }
            .flatMap { self.waitForConnections(until: deadline, on: anyLoop) }
            .flatMap { self.stop() }
    }

    /// Connections still open, summed over all loops.
    public func openConnections() -> EventLoopFuture<Int> {
        fromEveryLoop { $0.openConnections }.map { $0.reduce(0, +) }
    }

    /// HTTP connections with a request under way and TCP relays, summed over all loops.
    public func connectionsInFlight() -> EventLoopFuture<Int> {
        fromEveryLoop { $0.connectionsInFlight }.map { $0.reduce(0, +) }
    }

    /// Looks every 20 ms until no connection is left, the deadline passes, or `stop()` took the loops.
    private func waitForConnections(until deadline: NIODeadline, on anyLoop: any EventLoop) -> EventLoopFuture<Void> {
        guard !loops.isEmpty, NIODeadline.now() < deadline else { return anyLoop.makeSucceededVoidFuture() }
        return openConnections().flatMap { open in
            guard open > 0 else { return anyLoop.makeSucceededVoidFuture() }
            return anyLoop.scheduleTask(in: .milliseconds(20)) {}.futureResult
                .flatMap { self.waitForConnections(until: deadline, on: anyLoop) }
        }
    }

    private static func shutdown(_ loops: [LoopHandle], on anyLoop: any EventLoop) -> EventLoopFuture<Void> {
        onEveryLoop(loops, on: anyLoop) { $0.shutdown() }
    }

    private func makeBootstrap(_ loops: [LoopHandle]) -> ServerBootstrap {
        let mode = configuration.mode
        let listener = "listener \(configuration.listen)"
        let logger = logger
        return ServerBootstrap(group: group)
            .serverChannelOption(ChannelOptions.backlog, value: 1024)
            .serverChannelOption(ChannelOptions.socketOption(.so_reuseaddr), value: 1)
            .serverChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture { try ListenerErrorLogger.install(on: channel, listener: listener, logger: logger) }
            }
            .childChannelOption(ChannelOptions.allowRemoteHalfClosure, value: true)
            // A TCP relay reads nothing until its endpoint is connected.
            .childChannelOption(ChannelOptions.autoRead, value: mode == .http)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    guard let handle = loops.first(where: { $0.eventLoop === channel.eventLoop }) else {
                        throw ProxyError("connection accepted on a loop the proxy does not know")
                    }
                    let loop = handle.context.value
                    try channel.pipeline.syncOperations.addHandlers(loop.serverHandlers())
                    switch mode {
                    case .http: try channel.pipeline.syncOperations.addHandler(HTTPFrontendHandler(loop: loop))
                    case .tcp: try channel.pipeline.syncOperations.addHandler(TCPRelay(loop: loop))
                    }
                }
            }
    }

    // MARK: Routes

    /// Replaces the endpoint addresses (by slot) and the eligible hosts, on every loop.
    @discardableResult
    /// `names`: the endpoints' names by slot, for the access log.
    public func updateRoutes(_ routes: [Int32: SocketAddress], hosts: HostSet, names: [Int32: String] = [:]) -> EventLoopFuture<Void> {
        let loops = state.withLockedValue { s in
            s.routes = routes; s.hosts = hosts; s.names = names
            return s.loops
        }
        return onEveryLoop(loops) {
            $0.setRoutes(routes, hosts: hosts)
            $0.setNames(names)
        }
    }

    /// Installs a passive-outlier hook: `make` runs once per loop, and the function it returns is
    /// called on that loop after every attempt with (slot, success).
    @discardableResult
    public func setOutcomeHook(_ make: @escaping @Sendable () -> (Int32, Bool) -> Void) -> EventLoopFuture<Void> {
        let loops = state.withLockedValue { s in
            s.outcomeHook = make
            return s.loops
        }
        return onEveryLoop(loops) { $0.outcomeHook = make() }
    }

    /// Runs `body` on every loop's own context; the future completes when all have.
    func onEveryLoop(_ loops: [LoopHandle], _ body: @escaping @Sendable (LoopContext) -> Void) -> EventLoopFuture<Void> {
        Self.onEveryLoop(loops, on: group.next(), body)
    }

    static func onEveryLoop(_ loops: [LoopHandle], on anyLoop: any EventLoop,
                            _ body: @escaping @Sendable (LoopContext) -> Void) -> EventLoopFuture<Void> {
        let each = loops.map { handle in handle.eventLoop.submit { body(handle.context.value) } }
        return EventLoopFuture.andAllComplete(each, on: anyLoop)
    }

    /// Every loop's answer to `body`, in loop order.
    func fromEveryLoop<T: Sendable>(_ body: @escaping @Sendable (LoopContext) -> T) -> EventLoopFuture<[T]> {
        let each = loops.map { handle in handle.eventLoop.submit { body(handle.context.value) } }
        return EventLoopFuture.whenAllSucceed(each, on: group.next())
    }

    var loops: [LoopHandle] { state.withLockedValue { $0.loops } }
}
