public import Foundation
public import Logging
public import MeshConfig
public import MeshCore
public import MeshEtcd
import MeshOutput
import MeshProbe
import MeshProxy
import MeshTLS
import NIOCore
import NIOPosix

/// `mesh-top run`: the engine on real sockets. Proxies forward real traffic, probes check real
/// backends, supervised endpoints are real processes. The session runner's thread is the
/// control thread: it hands what the event loops report to the engine, ticks it, samples the
/// proxies' counters, and carries out the engine's effects on the data plane
/// (`LiveMesh+Actuator`).
public final class LiveMesh: Playback {
    public let config: MeshConfig
    public let engine: MeshEngine
    let group: MultiThreadedEventLoopGroup
    /// Per service index; nil for services without `listen:`.
    var proxies: [ServiceProxy?] = []
    var checker: HealthChecker!
    /// Whether the last load the checker reported was behind its schedule (`LiveMesh+CheckerLoad`).
    var checkerBehind = false
    /// Set with `--registry etcd://…`: the mesh shared with the other instances.
    var shared: SharedMesh?
    /// This instance's name in a shared mesh; nil outside one.
    public let instance: String?
    /// The operator's last words from the shared mesh, per endpoint, kept for endpoints that
    /// are not here yet (or are away), to adopt when they come.
    var words: [EndpointRef: [SharedKey.Aspect: OperatorCommand]] = [:]
    public let supervisor: Supervisor
    /// Certificates served and presented: from files, or issued by the built-in CA.
    var tls: LiveTLS!
    let inbox = LiveInbox()
    /// Per service: slot → upstream address.
    var routes: [[Int32: SocketAddress]] = []
    var meters: [LoadMeter] = []
    /// The HTTP and TCP checks Consul registrations bring.
    var consulProbes: ConsulProbes!
    /// False while applying what came from etcd: it is not ours to send back.
    var sharing = true
    /// Check results since the last sample, for the samples' marks (the detail pane's history).
    var checkMarks: [EndpointRef: [CheckMark]] = [:]
    /// mesh.yaml's endpoints' checks, to re-add with renewed TLS.
    var checkTargets: [HealthTarget] = []
    /// When each endpoint's (or listener's) last handshake-failure event went out, and how
    /// many failed since.
    var handshakeReports: [String: (at: Double, unreported: Int)] = [:]
    /// Where a registration under way routes to, resolved before the engine hears of it, for
    /// its `attach`.
    var joining: [EndpointRef: (HostPort, SocketAddress)] = [:]
    /// What the effects of this step asked of the event loops: waited for once, at the end of
    /// the step, so that what the engine decided is in place before anyone is answered.
    var submitted: [(what: String, done: EventLoopFuture<Void>)] = []
    let clock = RealClock()
    var lastSample: Double = 0
    public let sampleInterval: Double = 1
    let onEvent: (MeshEvent) -> Void
    /// mesh-top's own log: what goes wrong on the data plane, with processes and with etcd.
    let logger: Logger

    /// Binds every listener, starts supervised processes and checks; throws one line on failure
    /// (port in use, unresolvable address, a command that cannot start, no etcd), having undone
    /// the rest. With `registry`, joins the shared mesh there as `instance` (`announce` says
    /// why start-up waits, when it does; `logger` hears what goes wrong once it runs).
    public init(config: MeshConfig, name: String, threads: Int, logDirectory: URL, registry: EtcdCluster? = nil,
                instance: String = "mesh-top", announce: @escaping @Sendable (String) -> Void = { _ in },
                logger: Logger = Logger(label: "mesh-top", factory: { _ in SwiftLogNoOpLogHandler() }),
                onEvent: @escaping (MeshEvent) -> Void) throws {
        self.config = config
        self.onEvent = onEvent
        self.logger = logger
        self.instance = registry == nil ? nil : instance
        let mesh = LiveMesh.mesh(of: config, name: name, instance: self.instance)
        engine = MeshEngine(mesh: mesh, policies: Dictionary(config.services.map { ($0.name, $0.policy) },
                                                             uniquingKeysWith: { a, _ in a }))
        engine.alertRules = config.alerts
        engine.instance = self.instance
        group = MultiThreadedEventLoopGroup(numberOfThreads: max(1, threads))
        supervisor = Supervisor(logDirectory: logDirectory, logger: logger)
        do {
            tls = try LiveTLS(config: config, directory: logDirectory.deletingLastPathComponent().appendingPathComponent("tls").path)
            try start()
            if let registry { try join(registry, as: instance, announce: announce) }
        } catch {
            shutdown()
            throw error
        }
    }

    /// The starting mesh as the dashboard and a recording's header show it; in a shared mesh
    /// its endpoints are `instance`'s.
    public static func mesh(of config: MeshConfig, name: String, instance: String? = nil) -> MeshState {
        var mesh = MeshState(name: name, summary: "live", source: "run", services: config.services.map(\.service))
        mesh.instance = instance
        for s in mesh.services.indices {
            for e in mesh.services[s].endpoints.indices { mesh.services[s].endpoints[e].owner = instance }
        }
        return mesh
    }

    /// Claims the name, publishes mesh.yaml's endpoints and this instance's view of them, and
    /// reads the mesh (applied at the first step).
    private func join(_ registry: EtcdCluster, as instance: String, announce: @escaping @Sendable (String) -> Void) throws {
        var configured: [(service: String, endpoint: Endpoint)] = []
        for service in engine.state.services {
            for endpoint in service.endpoints { configured.append((service.name, endpoint)) }
        }
        do {
            shared = try SharedMesh(cluster: registry, group: group, inbox: inbox, name: instance,
                                    admin: config.admin.description, configured: configured, announce: announce, logger: logger)
        } catch {
            throw LiveError("--registry \(registry): \(error)")
        }
        carryOut(engine.recordInstance(InstanceChange(instance: instance, action: .joined, admin: config.admin.description), now: 0))
        for service in engine.state.services {
            for endpoint in service.endpoints {
                shared?.view(EndpointRef(service: service.name, endpoint: endpoint.id), endpoint.state)
            }
        }
    }

    private func start() throws {
        let inbox = self.inbox
        let resultsLoop = group.next()
        checker = HealthChecker(group: group, resultsOn: resultsLoop) { result in
            inbox.post(LiveInbox.Check(service: result.service, slot: result.slot, passed: result.passed, detail: result.detail,
                                       latency: result.latency))
        }
        consulProbes = ConsulProbes(group: group, resultsOn: resultsLoop) { inbox.postConsulCheck($0) }
        supervisor.onExit = { ref, status in inbox.postExit(ref, status: status) }

        var checks: [HealthTarget] = []
        for (s, service) in config.services.enumerated() {
            var table: [Int32: SocketAddress] = [:]
            for endpoint in service.endpoints {
                guard let address = endpoint.address, let slot = engine.locate(EndpointRef(service: service.name, endpoint: endpoint.id))?.slot else { continue }
                if service.policy.health.kind != .none {
                    checks.append(HealthTarget(service: s, slot: slot, host: address.host, port: address.port, policy: service.policy.health,
                                               tls: tls.services[s].client))
                }
                do {
                    table[slot] = try ServiceProxy.resolve(address.description, what: "\(service.name)/\(endpoint.id) address")
                } catch {
                    throw LiveError("\(error)")
                }
            }
            routes.append(table)
            meters.append(LoadMeter())
            guard let listen = service.listen else { proxies.append(nil); continue }
            let mode: ProxyConfiguration.Mode = service.protocol == .tcp ? .tcp : .http
            var proxyConfig = ProxyConfiguration(listen: listen.description, mode: mode, policy: service.policy)
            proxyConfig.maxHeadBytes = service.limits.maxHeaderBytes
            proxyConfig.maxChunkLineBytes = service.limits.maxChunkLineBytes
            proxyConfig.maxHeadersCount = service.limits.maxHeadersCount
            proxyConfig.upstreamIdleTimeout = service.limits.upstreamIdleTimeout
            proxyConfig.clientIdleTimeout = service.limits.clientIdleTimeout
            proxyConfig.clientSendTimeout = service.limits.clientSendTimeout
            if let log = service.accessLog {
                let writer: LineWriter
                do {
                    writer = log.isStandardOutput ? .standardOutput : try LineWriter(path: log.path)
                } catch {
                    throw LiveError("\(service.name): access_log \(error)")
                }
                proxyConfig.accessLog = AccessLog(service: service.name, format: log.format == .json ? .json : .text, writer: writer)
            }
            let proxy = ServiceProxy(configuration: proxyConfig, group: group,
                                     picker: Balancer(kind: service.policy.balancer, seed: UInt64(s) &+ 1),
                                     serverTLS: tls.services[s].server, upstreamTLS: tls.services[s].client, logger: logger)
            let outcomes = inbox
            let service = s
            proxy.setHandshakeHook { slot, reason in outcomes.postHandshakeFailure(service: service, slot: slot, reason: reason) }
            // Only failures and the first success after one matter to consecutive-failure
            // ejection: the request path stays silent while all is well.
            proxy.setOutcomeHook {
                var failing: [Bool] = []
                return { slot, success in
                    let i = Int(slot)
                    if i >= failing.count { failing.append(contentsOf: repeatElement(false, count: i - failing.count + 1)) }
                    guard !success || failing[i] else { return }
                    failing[i] = !success
                    outcomes.post(LiveInbox.Outcome(service: service, slot: slot, success: success))
                }
            }
            do {
                _ = try proxy.start().wait()
            } catch {
                throw LiveError("\(error)")
            }
            proxies.append(proxy)
        }
        // Processes first, so that their first checks find them starting.
        for service in config.services {
            for endpoint in service.endpoints {
                guard let command = endpoint.command else { continue }
                let environment = try tls.environment(service: service.name, endpoint: endpoint.id, host: endpoint.address?.host)
                try supervisor.supervise(EndpointRef(service: service.name, endpoint: endpoint.id), command: command,
                                         environment: environment)
            }
        }
        for target in checks { checker.add(target) }
        checkTargets = checks
        carryOut(engine.start(now: clock.now))
        settle()
    }

    // MARK: Playback

    public var mode: SessionMode { .live }
    /// Mesh time the control thread has reached (wall time since start, as it steps).
    public private(set) var now: Double = 0
    public var state: MeshState {
        var s = engine.state
        s.time = now
        return s
    }
    public var end: Double? { nil }

    public func advance(to t: Double) {
        let now = min(t, clock.now)
        self.now = now
        let (checks, outcomes, exits) = inbox.take()
        defer { settle() }
        for check in checks {
            carryOut(engine.healthCheck(service: check.service, slot: check.slot, passed: check.passed, now: now))
            if let ref = engine.ref(service: check.service, slot: check.slot) {
                checkMarks[ref, default: []].append(CheckMark(t: (now * 1e6).rounded() / 1e6, passed: check.passed,
                                                              latency: (check.latency * 1e6).rounded() / 1e6))
            }
        }
        for outcome in outcomes {
            carryOut(engine.requestFinished(service: outcome.service, slot: outcome.slot, success: outcome.success, now: now))
        }
        for (ref, status) in exits {
            logger.warning("\(ref): process exited with status \(status); restore starts it again", metadata: ["log": "\(supervisor.logFile(ref).path)"])
            carryOut(engine.recordFault(Fault(action: "exit", target: ref.description, detail: "process exited with status \(status)"), now: now))
        }
        applyConsulChecks(now: now)
        applyShared(now: now)
        applyTLS(now: now)
        carryOut(engine.tick(now: now))
        if now - lastSample >= sampleInterval {
            sample(window: now - lastSample, now: now)
            watchCheckerLoad(now: now)
            lastSample = now
        }
    }

    public func seek(to t: Double) -> String? { "live: time cannot be moved" }

    public func operate(_ command: OperatorCommand) -> OperatorError? {
        defer { settle() }
        return .refusal { () throws(OperatorError) in carryOut(try engine.operate(command, now: now)) }
    }

    /// Graceful stop of every listener, as HAProxy's soft-stop: no new connections; requests in
    /// flight are answered and their connections then closed, for up to each service's
    /// `drain_timeout`. Blocks until then, or until the closure of `hardStop()` is called.
    public func drain() {
        let waits = zip(config.services, proxies).compactMap { service, proxy in
            proxy?.stopGracefully(timeout: service.policy.drainTimeout)
        }
        for wait in waits { _ = try? wait.wait() }
    }

    /// Requests under way (and TCP connections relayed) on every listener now.
    public func connectionsInFlight() -> Int {
        proxies.compactMap { try? $0?.connectionsInFlight().wait() }.reduce(0, +)
    }

    /// A call that closes every connection at once (HAProxy's hard-stop), safe from any thread:
    /// it cuts `drain()` short.
    public func hardStop() -> @Sendable () -> Void {
        let proxies = proxies.compactMap { $0 }
        return { for proxy in proxies { _ = proxy.stop() } }
    }

    /// Stops listeners, checks and supervised processes.
    public func shutdown() {
        shared?.stop()
        // On the way out, everything is closed whatever fails; what fails is logged.
        for proxy in proxies.compactMap({ $0 }) { logFailure("stopping \(proxy.configuration.listen)") { try proxy.stop().wait() } }
        if let checker { logFailure("stopping health checks") { try checker.shutdown().wait() } }
        if let consulProbes { logFailure("stopping Consul checks") { try consulProbes.shutdown().wait() } }
        supervisor.stopAll()
        logFailure("stopping the event loops") { try group.syncShutdownGracefully() }
    }

    /// Runs `body`; an error is logged (what was being done, and why it failed), not thrown.
    func logFailure(_ what: @autoclosure () -> String, _ body: () throws -> Void) {
        do { try body() } catch { logger.error("\(what()): \(error)") }
    }
}

/// A live mesh that could not start: one line.
public struct LiveError: Error, CustomStringConvertible, Sendable {
    public var description: String
    public init(_ message: String) { description = message }
}
