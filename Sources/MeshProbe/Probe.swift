import MeshCore
import MeshTLS
import NIOCore
import NIOPosix

/// One target's checks on one event loop: at most one check in flight and, for HTTP, at most one
/// kept-alive connection. Never leaves its loop, so it needs no lock. Its timer is an entry in the
/// loop's `ProbeSchedule`, at the next moment of interest: the running check's deadline or the next
/// check, whichever comes first.
///
/// A check that needs a new connection first takes a place among its loop's connects in flight
/// (`ProbeLoop.admit`); when there is none it waits its turn, and its timeout counts from when it
/// starts connecting, so the checker's own backlog never fails an endpoint.
final class Probe {
    let target: HealthTarget
    private let home: ProbeLoop
    private let request: ByteBuffer
    private let timeout: TimeAmount
    let interval: Double

    /// This probe's place in its loop's schedule.
    private var slot: Int32 = 0
    /// Which of this probe's schedule entries is current; older ones are skipped.
    private var ticket: UInt64 = 0
    private var channel: (any Channel)?
    /// A TCP check's connect in flight (targets with a socket address), and when to look again.
    private var pending: (socket: TCPConnect, address: SocketAddress)?
    private var pollDelay = Probe.firstPoll
    static let firstPoll = TimeAmount.milliseconds(1)
    private(set) var isActive = false
    private var checking = false
    /// Holds one of the loop's places for connects in flight.
    private var connecting = false
    /// Due and waiting for a place to connect; `waitTicket` tells this wait from an older one
    /// still in the loop's queue.
    private(set) var waitTicket: UInt64 = 0
    private(set) var isWaiting = false
    /// Bumped by every check and by stop, so a late connect completion knows it is stale.
    private var checkID: UInt64 = 0
    private var started = NIODeadline.now()
    private var deadline = NIODeadline.now()
    private(set) var nextCheck = NIODeadline.now()
    /// This check went out on a kept-alive connection: if the server had closed it meanwhile,
    /// one retry on a fresh connection is not the endpoint's fault.
    private var reused = false
    private var retried = false

    init(target: HealthTarget, home: ProbeLoop) {
        self.target = target
        self.home = home
        request = target.request()
        // Saturating: a policy from a file is range-checked, but a target built in code need not be.
        timeout = .nanoseconds(MeshDuration.nanoseconds(max(target.policy.timeout, 0.001)))
        interval = max(target.policy.interval, 0.01)
        slot = home.schedule.enroll(self)
    }

    /// Stops for good and gives the schedule slot back.
    func remove() {
        stop()
        home.schedule.leave(slot)
    }

    /// First check somewhere in the next interval, so that many targets added at once spread out.
    func start() {
        isActive = true
        nextCheck = .now() + Self.amount(interval * home.unit())
        arm(at: nextCheck)
    }

    func stop() {
        isActive = false
        isWaiting = false
        endConnect()
        checking = false
        checkID &+= 1
        ticket = 0
        closeConnection()
    }

    /// The schedule's call, at the time this probe asked for or a little later.
    func fire(ticket: UInt64, now: NIODeadline) {
        guard ticket == self.ticket, isActive else { return }
        if checking, let pending {
            if let outcome = pending.socket.poll(pending.address) {
                self.pending = nil
                home.sockets.giveBack(pending.socket, reset: outcome == .connected)
                finish(outcome, now: now)
            } else if now < deadline {
                // Not yet: look again a little later, backing off up to the deadline.
                pollDelay = pollDelay * 2
                return arm(at: min(now + pollDelay, deadline))
            }
        }
        if checking {
            // Interval shorter than timeout: the next check waits for this one's end.
            guard now >= deadline else { return arm(at: deadline) }
            closeConnection()
            finish(passed: false, detail: CheckFailure.timeout, now: now)
        }
        guard now >= nextCheck else { return arm(at: nextCheck) }
        guard !isWaiting else { return }
        if needsConnection {
            guard home.admit(self, now: now) else {
                isWaiting = true
                waitTicket = home.nextWaitTicket()
                return home.wait(self)
            }
            connecting = true
        }
        begin(now: now)
    }

    /// A place to connect came free for this waiting probe (the loop has counted it taken).
    func admitted(now: NIODeadline) {
        isWaiting = false
        connecting = true
        begin(now: now)
    }

    /// This check opens a connection: every TCP check, and an HTTP check without a live one.
    private var needsConnection: Bool {
        target.policy.kind == .tcp || !(channel?.isActive ?? false)
    }

    /// Gives back this probe's place among the connects in flight, if it holds one.
    private func endConnect() {
        guard connecting else { return }
        connecting = false
        home.release()
    }

    // MARK: A check

    private func begin(now: NIODeadline) {
        checking = true
        checkID &+= 1
        started = now
        deadline = now + timeout
        nextCheck = now + Self.amount(interval * (0.9 + 0.2 * home.unit()))
        retried = false
        if target.policy.kind == .tcp, target.tls == nil, case .socket(let address) = target.address {
            guard let socket = home.sockets.take(family: TCPConnect.family(of: address)) else {
                return finish(.failed(errno: errno), now: now)
            }
            // The connect's own time, not the wait behind the checks due in the same wake.
            started = NIODeadline.now()
            switch socket.start(to: address) {
            case .pending:
                // Its own timer: the next look at the connect (which the deadline bounds).
                pending = (socket, address)
                pollDelay = Self.firstPoll
                arm(at: min(now + pollDelay, deadline))
            case .done(let outcome):
                // Read once the connect is over: loopback answers within the call, and the
                // check's start time would report every such connect as 0 µs.
                let ended = NIODeadline.now()
                home.sockets.giveBack(socket, reset: outcome == .connected)
                finish(outcome, now: ended)
            }
            return
        }
        arm(at: min(deadline, nextCheck))
        if target.policy.kind == .http, let channel, channel.isActive {
            reused = true
            channel.writeAndFlush(request, promise: nil)
        } else {
            connect()
        }
    }

    private func finish(_ outcome: TCPConnect.Outcome, now: NIODeadline) {
        switch outcome {
        case .connected: finish(passed: true, detail: nil, now: now)
        case .failed(let code): finish(passed: false, detail: CheckFailure.reason(errno: code), now: now)
        }
    }

    private func connect() {
        reused = false
        let id = checkID, isHTTP = target.policy.kind == .http
        let remaining = max(deadline - .now(), .milliseconds(1))
        let me = NIOLoopBound(self, eventLoop: home.eventLoop)
        var bootstrap = ClientBootstrap(group: home.eventLoop).connectTimeout(remaining)
        if isHTTP {
            // A check's answer is one small read: no second read() just to hear EAGAIN, and
            // no large buffer per connection. (A TCP check reads nothing: no options to set.)
            bootstrap = bootstrap
                .channelOption(ChannelOptions.maxMessagesPerRead, value: 1)
                .channelOption(ChannelOptions.recvAllocator, value: FixedSizeRecvByteBufferAllocator(capacity: 2048))
                .channelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.addHandler(ProbeHandler(probe: me.value))
                    }
                }
        }
        let connecting: EventLoopFuture<any Channel>
        switch target.address {
        case .socket(let address): connecting = bootstrap.connect(to: address)
        case .host(let host, let port): connecting = bootstrap.connect(host: host, port: port)
        }
        connecting.assumeIsolated().whenComplete { result in self.connected(result, id: id) }
    }

    private func connected(_ result: Result<any Channel, any Error>, id: UInt64) {
        if id == checkID { endConnect() }
        switch result {
        case .success(let connection):
            guard isActive, checking, id == checkID else { return connection.close(promise: nil) }
            if let tls = target.tls {
                return tls.secure(connection, host: target.serverName).assumeIsolated().whenComplete { secured in
                    self.secured(secured, connection, id: id)
                }
            }
            if target.policy.kind == .http {
                channel = connection
                connection.writeAndFlush(request, promise: nil)
            } else {
                Self.reset(connection)
                finish(passed: true, detail: nil, now: .now())
            }
        case .failure(let error):
            guard isActive, checking, id == checkID else { return }
            finish(passed: false, detail: CheckFailure.reason(for: error), now: .now())
        }
    }

    /// The handshake's end: the check goes on as over plain TCP, or fails saying why.
    private func secured(_ result: Result<PeerIdentity?, any Error>, _ connection: any Channel, id: UInt64) {
        guard isActive, checking, id == checkID else { return connection.close(promise: nil) }
        switch result {
        case .success:
            if target.policy.kind == .http {
                channel = connection
                connection.writeAndFlush(request, promise: nil)
            } else {
                connection.close(promise: nil)
                finish(passed: true, detail: nil, now: .now())
            }
        case .failure(let error):
            connection.close(promise: nil)
            finish(passed: false, detail: HandshakeFailure.reason(error), now: .now())
        }
    }

    // MARK: From the connection's handler

    func responded(status: Int, keepAlive: Bool, on connection: any Channel) {
        guard connection === channel else { return }
        if !keepAlive || !checking { closeConnection() }
        guard checking else { return }
        let passed = (200..<300).contains(status)
        finish(passed: passed, detail: passed ? nil : "status \(status)", now: .now())
    }

    func closed(_ connection: any Channel, reason: String, answered: Bool) {
        guard connection === channel else { return }
        channel = nil
        guard checking else { return }
        if reused && !retried && !answered && .now() < deadline {
            // The retry of a check already under way does not queue: it takes a place at once.
            retried = true
            home.take()
            connecting = true
            return connect()
        }
        finish(passed: false, detail: reason, now: .now())
    }

    // MARK: Helpers

    /// Reports the check and waits for the next one.
    private func finish(passed: Bool, detail: String?, now: NIODeadline) {
        checking = false
        endConnect()
        arm(at: nextCheck)
        let latency = Double((now - started).nanoseconds) / 1e9
        home.deliver(HealthCheckResult(service: target.service, slot: target.slot, passed: passed, detail: detail, latency: latency))
    }

    private func arm(at when: NIODeadline) {
        ticket = home.schedule.add(slot: slot, at: when)
    }

    private func closeConnection() {
        if let pending { home.sockets.giveBack(pending.socket, reset: true) }
        pending = nil
        guard let connection = channel else { return }
        channel = nil
        connection.close(promise: nil)
    }

    /// A TCP check's connection ends with a reset, as HAProxy's do: no TIME_WAIT left behind, so
    /// thousands of checks a second do not run out of local ports.
    private static func reset(_ connection: any Channel) {
        if let options = connection as? any SocketOptionProvider {
            options.setSoLinger(linger(l_onoff: 1, l_linger: 0)).assumeIsolated().whenComplete { _ in
                connection.close(promise: nil)
            }
        } else {
            connection.close(promise: nil)
        }
    }

    private static func amount(_ seconds: Double) -> TimeAmount { .nanoseconds(MeshDuration.nanoseconds(seconds)) }
}
