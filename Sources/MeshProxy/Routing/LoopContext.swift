import MeshCore
import MeshTLS
import NIOCore
import MeshOutput
import NIOPosix

/// Everything one event loop needs to route, pool and count, owned by that loop alone: the request
/// path takes no lock and shares nothing with other loops. The control plane changes it only by
/// running code on the loop (`eventLoop.execute`).
final class LoopContext {
    enum SlotMode { case open, draining, killed }

    let eventLoop: any EventLoop
    let config: ProxyConfiguration
    let hashRule: HashRule
    /// `config.requestTimeout`, ready to add to a deadline; the client's timeouts likewise.
    let requestTimeout: TimeAmount
    let clientHeadTimeout: TimeAmount
    let clientIdleTimeout: TimeAmount
    let clientSendTimeout: TimeAmount
    let tcpIdleTimeout: TimeAmount

    // MARK: Routes

    private(set) var addresses: [SocketAddress?] = []
    private(set) var modes: [SlotMode] = []
    /// The engine's balancer, held as itself: through `any UpstreamPicker`, every mutating call
    /// of every request would first check that the existential's box is unique (callgrind).
    private var balancer: Balancer?
    /// Any other picker (tests plug in simple ones); nil when `balancer` is set.
    private var otherPicker: (any UpstreamPicker)?

    // MARK: Connections and counters

    var counters: [EndpointCounters] = []
    var listenerCounters = ListenerCounters()
    /// Idle keep-alive connections per slot, most recently used last.
    var idle: [[UpstreamConnection]] = []
    /// Every upstream connection per slot, idle or busy.
    var upstreams: [Registry<UpstreamConnection>] = []
    var relays: [Registry<TCPRelay>] = []
    var frontends = Registry<HTTPFrontendHandler>()
    var outcomeHook: ((Int32, Bool) -> Void)?

    // MARK: TLS

    /// What new client connections are served with; a reload replaces it, open ones keep theirs.
    var serverTLS: ServerTLS?
    /// How new connections to endpoints speak TLS; nil: plain.
    var upstreamTLS: ClientTLS?
    /// The identity each endpoint proved in its latest handshake.
    var peers: [PeerIdentity?] = []
    /// Called on this loop with a failed handshake's endpoint slot (nil: a client of the
    /// listener) and reason.
    var handshakeHook: ((Int32?, String) -> Void)?
    var ticker: RepeatedTask?
    /// A graceful stop has begun: no connection outlives its current request.
    var stopping = false
    // MARK: Access log (only with `config.accessLog`)

    /// Lines not yet handed to the log's writer.
    var logBuffer: [UInt8] = []
    /// Per slot, `ip:port` and the endpoint's name, as the log writes them.
    var upstreamHosts: [[UInt8]?] = []
    var endpointNames: [[UInt8]?] = []
    /// Request IDs' randomness: one seed per loop, no system call per request.
    var random = SeededRandom(seed: UInt64.random(in: 0...UInt64.max))
    lazy var bootstrap: ClientBootstrap = ClientBootstrap(group: eventLoop)
        .connectTimeout(.nanoseconds(Int64(config.connectTimeout * 1e9)))
        .channelOption(ChannelOptions.allowRemoteHalfClosure, value: config.mode == .tcp)

    init(eventLoop: any EventLoop, config: ProxyConfiguration, picker: any UpstreamPicker) {
        self.eventLoop = eventLoop
        self.config = config
        if let balancer = picker as? Balancer { self.balancer = balancer } else { otherPicker = picker }
        requestTimeout = .nanoseconds(Int64(config.requestTimeout * 1e9))
        clientHeadTimeout = .nanoseconds(Int64(config.clientHeadTimeout * 1e9))
        clientIdleTimeout = .nanoseconds(Int64(config.clientIdleTimeout * 1e9))
        clientSendTimeout = .nanoseconds(Int64(config.clientSendTimeout * 1e9))
        tcpIdleTimeout = .nanoseconds(Int64(config.tcpIdleTimeout * 1e9))
        switch config.hashOn {
        case .header(let name): hashRule = HashRule(kind: .header, name: Array(name.lowercased().utf8))
        case .path: hashRule = HashRule(kind: .path, name: [])
        case .clientIP: hashRule = HashRule(kind: .clientIP, name: [])
        case nil: hashRule = .none
        }
    }

    // MARK: Routing

    /// Makes the per-slot tables cover `slot`.
    func ensure(_ slot: Int32) {
        let n = Int(slot) + 1
        guard n > addresses.count else { return }
        let extra = n - addresses.count
        addresses += Array(repeating: nil, count: extra)
        modes += Array(repeating: .open, count: extra)
        counters += Array(repeating: EndpointCounters(), count: extra)
        idle += Array(repeating: [], count: extra)
        upstreams += Array(repeating: Registry(), count: extra)
        relays += Array(repeating: Registry(), count: extra)
        peers += Array(repeating: nil, count: extra)
        upstreamHosts += Array(repeating: nil, count: extra)
        endpointNames += Array(repeating: nil, count: extra)
    }

    func setRoutes(_ routes: [Int32: SocketAddress], hosts: HostSet) {
        for slot in routes.keys { ensure(slot) }
        for slot in addresses.indices {
            let new = routes[Int32(slot)]
            if new != addresses[slot] {
                addresses[slot] = new
                if config.accessLog != nil {
                    upstreamHosts[slot] = new.flatMap { a in a.ipAddress.map { Array("\($0):\(a.port ?? 0)".utf8) } }
                }
                // Pooled connections go to the old address: drop them.
                closeIdle(Int32(slot))
            }
        }
        if balancer != nil { balancer!.update(hosts) } else { otherPicker!.update(hosts) }
    }

    func setMode(_ mode: SlotMode, _ slot: Int32) {
        ensure(slot)
        modes[Int(slot)] = mode
    }

    func isUsable(_ slot: Int32) -> Bool {
        let i = Int(slot)
        return i >= 0 && i < addresses.count && addresses[i] != nil && modes[i] == .open
    }

    /// A slot for the next attempt: not tried yet by this request, routed and open.
    @inline(__always)
    func pick(hash: UInt64, attempt: Int, tried: UInt64) -> Int32? {
        for round in 0..<8 {
            // Retries perturb the key so hashing balancers can answer with another endpoint.
            let key = attempt == 0 && round == 0 ? hash : StableHash.mix(hash &+ UInt64(attempt * 8 + round))
            guard let slot = balancer != nil ? balancer!.pick(hash: key) : otherPicker!.pick(hash: key) else { return nil }
            if isUsable(slot), tried & Self.bit(slot) == 0 { return slot }
        }
        // A retry whose balancer has nothing new to offer (say, the only endpoint of the zone
        // in use just died) goes to any other routed endpoint rather than fail the request.
        guard attempt > 0, !addresses.isEmpty else { return nil }
        let start = Int(truncatingIfNeeded: hash % UInt64(addresses.count))
        for step in 0..<addresses.count {
            let slot = Int32((start + step) % addresses.count)
            if isUsable(slot), tried & Self.bit(slot) == 0 { return slot }
        }
        return nil
    }

    @inline(__always)
    static func bit(_ slot: Int32) -> UInt64 { 1 << UInt64(slot & 63) }

    // MARK: Accounting

    @inline(__always)
    func started(_ slot: Int32) {
        counters[Int(slot)].active += 1
        if balancer != nil { balancer!.requestStarted(slot: slot) } else { otherPicker!.requestStarted(slot: slot) }
    }

    /// Ends one attempt on `slot`: counters, balancer feedback and the outcome hook. Returns the
    /// time it ended.
    /// `status`: the HTTP status the attempt ended with (0: none, as for TCP).
    /// `ready`: when the request went out on a connection. The balancer's latency runs from
    /// there, as tower's and Linkerd's peak-EWMA time a ready endpoint: a connect to an endpoint
    /// whose pooled connection idled out is not its answer time, and counting it made p2c-ewma
    /// avoid the endpoints it had not picked lately, for good (their connections kept idling out).
    /// `sampled`: false when the answer time says nothing of the endpoint (the balancer then
    /// counts the request finished and keeps its estimate).
    @inline(__always) @discardableResult
    func finished(_ slot: Int32, since start: NIODeadline, ready: NIODeadline? = nil, success: Bool, report: Bool = true,
                  status: Int = 0, sampled: Bool = true) -> NIODeadline {
        let now = NIODeadline.now()
        let latency = Double((now - start).nanoseconds) / 1e9
        let i = Int(slot)
        counters[i].active -= 1
        counters[i].requests &+= 1
        if !success { counters[i].errors &+= 1 }
        if status != 0 { counters[i].codes.count(status: status) }
        counters[i].record(latency: latency)
        let answer = sampled ? ready.map { Double((now - $0).nanoseconds) / 1e9 } ?? latency : .nan
        let seconds = Double(now.uptimeNanoseconds) / 1e9
        if balancer != nil {
            balancer!.requestFinished(slot: slot, latency: answer, now: seconds)
        } else {
            otherPicker!.requestFinished(slot: slot, latency: answer, now: seconds)
        }
        if report, let hook = outcomeHook { hook(slot, success) }
        return now
    }

    /// The picker's view of every routed slot, with this loop's own requests in flight (the
    /// pickers of all loops share one count, which summing the loops' views would multiply).
    func balancerViews() -> [Int32: BalancerView] {
        var out: [Int32: BalancerView] = [:]
        for slot in addresses.indices where addresses[slot] != nil {
            if var view = balancer?.view(slot: Int32(slot)) ?? otherPicker?.view(slot: Int32(slot)) {
                view.active = counters[slot].active
                out[Int32(slot)] = view
            }
        }
        return out
    }

    func snapshot() -> [Int32: EndpointCounters] {
        var out: [Int32: EndpointCounters] = [:]
        for (i, c) in counters.enumerated() where addresses[i] != nil || c.requests > 0 || c.active > 0 {
            var c = c
            c.connections = config.mode == .tcp ? relays[i].count : upstreams[i].count
            out[Int32(i)] = c
        }
        return out
    }

    // MARK: Access log

    /// The endpoints' names by slot, for the access log.
    func setNames(_ names: [Int32: String]) {
        guard config.accessLog != nil else { return }
        for slot in names.keys { ensure(slot) }
        for slot in endpointNames.indices { endpointNames[slot] = names[Int32(slot)].map { Array($0.utf8) } }
    }

    /// Adds `entry`'s line; a full buffer goes to the writer at once, the rest at the next tick.
    func log(_ entry: AccessLogEntry, client: [UInt8], peer: [UInt8]? = nil) {
        guard let log = config.accessLog else { return }
        let slot = Int(entry.slot)
        let known = slot >= 0 && slot < upstreamHosts.count
        log.append(entry, client: client, upstream: known ? upstreamHosts[slot] : nil,
                   endpoint: known ? endpointNames[slot] : nil, tls: serverTLS != nil, peer: peer, to: &logBuffer)
        if logBuffer.count >= Self.logBufferLimit { flushLog() }
    }

    static let logBufferLimit = 16 * 1024

    func flushLog() {
        guard let log = config.accessLog, !logBuffer.isEmpty else { return }
        logBuffer.withUnsafeBytes { log.writer.write($0) }
        logBuffer.removeAll(keepingCapacity: true)
    }
}
