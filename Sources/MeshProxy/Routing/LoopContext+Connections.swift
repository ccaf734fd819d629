#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import NIOCore
import NIOPosix

// MARK: Upstream pool, drain, kill and timeouts

extension LoopContext {
    /// A connection idle for this long is asked whether the origin closed it before it is reused
    /// (seconds). One in use moments ago cannot have met an origin's keep-alive timeout, and
    /// skipping the question keeps the busy path at two reads and two writes per request.
    static let staleCheckAfter = 0.05

    /// The most recently used idle connection to `slot` that the origin has not closed, if any.
    /// One found closed was never written to, so the request goes on another at no risk.
    func takeIdle(_ slot: Int32, now: NIODeadline) -> UpstreamConnection? {
        let i = Int(slot)
        let checkBefore = now - .nanoseconds(Int64(Self.staleCheckAfter * 1e9))
        while let conn = idle[i].popLast() {
            guard conn.isUsable else { continue }
            if conn.idleSince < checkBefore, conn.peerHasClosed {
                conn.close()
                continue
            }
            return conn
        }
        return nil
    }

    /// Closes pooled connections idle past `upstreamIdleTimeout`, before their origin does.
    func closeExpiredIdle(now: NIODeadline) {
        let cutoff = now - .nanoseconds(Int64(config.upstreamIdleTimeout * 1e9))
        for i in idle.indices where !idle[i].isEmpty {
            // Released in time order, so the oldest come first.
            var expired = 0
            while expired < idle[i].count, idle[i][expired].idleSince < cutoff { expired += 1 }
            guard expired > 0 else { continue }
            let old = idle[i][..<expired]
            idle[i].removeFirst(expired)
            for conn in old { conn.close() }
        }
    }

    /// Back to the pool (idle since `now`) when it may carry another request, else closed.
    func release(_ conn: UpstreamConnection, reusable: Bool, now: NIODeadline) {
        let i = Int(conn.slot)
        if reusable, conn.isUsable, modes[i] == .open, idle[i].count < config.maxIdlePerEndpoint,
           addresses[i] == conn.address {
            conn.idleSince = now
            idle[i].append(conn)
        } else {
            conn.close()
        }
    }

    func forgetIdle(_ conn: UpstreamConnection) {
        let i = Int(conn.slot)
        if let at = idle[i].lastIndex(where: { $0 === conn }) { idle[i].remove(at: at) }
    }

    func closeIdle(_ slot: Int32) {
        let conns = idle[Int(slot)]
        idle[Int(slot)].removeAll()
        for conn in conns { conn.close() }
    }

    /// Opens a fresh pooled HTTP connection to `slot` on this loop.
    func connect(_ slot: Int32, _ done: @escaping (Result<UpstreamConnection, any Error>) -> Void) {
        guard let address = addresses[Int(slot)] else {
            done(.failure(ProxyError("endpoint \(slot) has no address")))
            return
        }
        let conn = UpstreamConnection(slot: slot, address: address, loop: self)
        open(slot, address, with: conn) { result in
            done(result.map { _ in
                self.upstreams[Int(slot)].add(conn)
                return conn
            })
        }
    }

    /// Opens a raw connection to `slot` with `handler` on it (TCP listeners).
    func connectRaw(_ slot: Int32, handler: TCPUpstreamHandler, _ done: @escaping (Result<any Channel, any Error>) -> Void) {
        guard let address = addresses[Int(slot)] else {
            done(.failure(ProxyError("endpoint \(slot) has no address")))
            return
        }
        open(slot, address, with: handler, done)
    }

    /// Connects (and with `upstream_tls`, shakes hands and checks the endpoint's identity), then
    /// installs `handler`; a failure of either counts against the endpoint as a connect error.
    private func open(_ slot: Int32, _ address: SocketAddress, with handler: some ChannelHandler,
                      _ done: @escaping (Result<any Channel, any Error>) -> Void) {
        let tls = upstreamTLS
        bootstrap.connect(to: address).assumeIsolated().whenComplete { result in
            switch result {
            case .success(let channel):
                guard let tls else { return self.install(handler, on: channel, done) }
                self.secure(channel, slot, tls) { secured in
                    switch secured {
                    case .success: self.install(handler, on: channel, done)
                    case .failure(let error): done(.failure(error))
                    }
                }
            case .failure(let error):
                self.counters[Int(slot)].connectErrors &+= 1
                done(.failure(error))
            }
        }
    }

    private func install(_ handler: some ChannelHandler, on channel: any Channel,
                         _ done: @escaping (Result<any Channel, any Error>) -> Void) {
        do {
            try channel.pipeline.syncOperations.addHandler(handler)
            done(.success(channel))
        } catch {
            channel.close(promise: nil)
            done(.failure(error))
        }
    }

    // MARK: Operator actions

    /// No new requests; idle connections closed; busy ones close after their response.
    func drain(_ slot: Int32) {
        setMode(.draining, slot)
        closeIdle(slot)
    }

    /// Every connection to `slot` reset at once.
    func kill(_ slot: Int32) {
        setMode(.killed, slot)
        idle[Int(slot)].removeAll()
        for conn in upstreams[Int(slot)].elements { conn.reset() }
        for relay in relays[Int(slot)].elements { relay.reset() }
    }

    func restore(_ slot: Int32) { setMode(.open, slot) }

    /// Requests in flight and relayed connections on `slot`.
    func activeCount(_ slot: Int32) -> Int {
        Int(slot) < counters.count ? counters[Int(slot)].active : 0
    }

    // MARK: Timeouts

    func startTicker() {
        let shortest = min(config.requestTimeout, config.clientHeadTimeout, config.upstreamIdleTimeout,
                           config.clientIdleTimeout, config.clientSendTimeout, config.tcpIdleTimeout)
        let period = max(0.01, min(0.1, shortest / 10))
        let bound = NIOLoopBound(self, eventLoop: eventLoop)
        let every = TimeAmount.nanoseconds(Int64(period * 1e9))
        ticker = eventLoop.scheduleRepeatedTask(initialDelay: every, delay: every) { _ in bound.value.tick() }
    }

    /// Times out requests waiting on an endpoint, clients slow to send a head, to send a next
    /// request or to read, and idle upstream connections.
    private func tick() {
        let now = NIODeadline.now()
        flushLog()
        closeExpiredIdle(now: now)
        for registry in upstreams {
            for conn in registry.elements where conn.isBusy && conn.deadline < now {
                conn.timedOut()
            }
        }
        if config.mode == .tcp {
            let cutoff = now - tcpIdleTimeout
            for registry in relays { for relay in registry.elements { relay.closeIfQuiet(now: now, cutoff: cutoff) } }
        }
        for frontend in frontends.elements where frontend.clientDeadline < now {
            frontend.clientTimedOut(now: now)
        }
    }

    /// Bytes this loop's connections hold in user space (what a stalled peer can make it keep).
    var bytesHeld: Int {
        var total = 0
        for frontend in frontends.elements { total += frontend.bytesHeld }
        for registry in upstreams { for conn in registry.elements { total += conn.bytesHeld } }
        return total
    }

    // MARK: Graceful stop

    /// The listener stops: connections between requests close, the others after their request.
    func beginStop() {
        stopping = true
        for frontend in frontends.elements { frontend.stop() }
    }

    /// Client connections still open on this loop, HTTP and TCP.
    var openConnections: Int {
        relays.reduce(frontends.count) { $0 + $1.count }
    }

    /// HTTP connections with a request under way (or part of one received), and TCP relays.
    var connectionsInFlight: Int {
        relays.reduce(frontends.elements.filter(\.hasRequestInFlight).count) { $0 + $1.count }
    }

    /// Closes every connection at once. Clients first: a request whose upstream closed would
    /// otherwise be retried or answered.
    func shutdown() {
        stopping = true
        ticker?.cancel()
        ticker = nil
        defer { flushLog() }
        for frontend in frontends.elements { frontend.context?.close(promise: nil) }
        for registry in relays { for relay in registry.elements { relay.close() } }
        for slot in idle.indices { idle[slot].removeAll() }
        for registry in upstreams { for conn in registry.elements { conn.close() } }
        outcomeHook = nil
    }
}

extension Channel {
    /// Close with a TCP reset (SO_LINGER 0), as a crashed peer would.
    func closeWithReset() {
        if let provider = self as? any SocketOptionProvider {
            _ = provider.setSoLinger(linger(l_onoff: 1, l_linger: 0))
        }
        close(promise: nil)
    }
}
