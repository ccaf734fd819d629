import Foundation
import Logging
import MeshCore
import MeshEtcd
import NIOConcurrencyHelpers
import NIOCore

/// One instance's session with the shared mesh in etcd (`run --registry etcd://… --instance
/// NAME`; the key layout is `SharedKey`'s). It claims the instance's name under a lease,
/// publishes what this instance owns, follows the whole mesh with one watch and hands what
/// changed to the control thread through the inbox; `SharedMirror` decides what each change
/// means.
///
/// etcd as it is run for real: calls move to another member when one dies or freezes (the
/// client does), the watch resumes on another member from the revision it had, and a resume
/// that finds that revision compacted reads everything again. While no member answers the
/// instance serves on what it knows; it says so once, and when etcd is back it reads
/// everything again and writes what etcd lacks (Consul's anti-entropy full sync).
final class SharedMesh: Sendable {
    /// Seconds a dead instance's keys outlive it; renewed every third of it.
    static let leaseTTL: Int64 = 10

    let client: EtcdClient
    let name: String
    let incarnation = UUID().uuidString
    private let loop: any EventLoop
    private let inbox: LiveInbox
    private let box: NIOLockedValueBox<State>
    private let logger: Logger

    private struct State {
        var mirror: SharedMirror
        var lease: Int64
        var watch: EtcdWatch?
        var timers: [RepeatedTask] = []
        var stopped = false
        /// A problem already reported: a long outage is one notice, not one per retry.
        var trouble: String?
        var renewing = false
        var resyncing = false
        /// Asked for while one ran: once more after it.
        var resyncAgain = false
        /// Full reads since start-up (after an outage, or a compacted resume).
        var resyncs = 0
        /// Views to write at the next flush (nil: delete).
        var views: [String: [UInt8]?] = [:]
        var record: SharedInstance
    }

    /// Claims `name` (waiting out the lease of an earlier run that died), reads the mesh
    /// (posted to the inbox for the first step), publishes `configured` (mesh.yaml's endpoints)
    /// and starts following. Throws one line when no member answers or the name stays taken.
    init(cluster: EtcdCluster, group: any EventLoopGroup, inbox: LiveInbox, name: String, admin: String?,
         configured: [(service: String, endpoint: Endpoint)], announce: @Sendable (String) -> Void, logger: Logger) throws {
        client = EtcdClient(cluster: cluster, group: group)
        self.logger = logger
        self.name = name
        loop = group.next()
        self.inbox = inbox
        let lease = try client.grantLease(ttl: Self.leaseTTL).wait()
        let record = SharedInstance(name: name, incarnation: incarnation, admin: admin,
                                    started: ISO8601DateFormatter().string(from: Date()))
        box = NIOLockedValueBox(State(mirror: SharedMirror(me: name, grace: Double(Self.leaseTTL)),
                                      lease: lease, record: record))
        do {
            try claim(record, lease: lease, announce: announce)
            // Ours before anything is read: another instance's copy of an endpoint our file
            // names too is not to replace ours.
            let entries = configured.map { service, endpoint in
                (SharedKey.registry(EndpointRef(service: service, endpoint: endpoint.id)).path,
                 Self.encode(SharedEntry(service: service, endpoint: endpoint, instance: name)))
            }
            box.withLockedValue { s in for (key, value) in entries { s.mirror.configure(key, value) } }
            let snapshot = try client.range(prefix: SharedKey.root).wait()
            let outcome = box.withLockedValue { $0.mirror.absorb(snapshot, now: Self.now()) }
            inbox.postShared(outcome.changes)
            try EventLoopFuture.andAllSucceed(entries.map { create($0.0, $0.1, lease: lease) }, on: loop).wait()
            follow(after: snapshot.revision)
        } catch {
            // Start-up failed and says why; a lease that cannot be revoked runs out in leaseTTL.
            _ = try? client.revoke(lease: lease).wait()
            throw error
        }
        let renewal = TimeAmount.milliseconds(Self.leaseTTL * 1000 / 3)
        let keepAlive = loop.scheduleRepeatedAsyncTask(initialDelay: renewal, delay: renewal) { _ in self.renew() }
        let tick = loop.scheduleRepeatedTask(initialDelay: .seconds(1), delay: .seconds(1)) { _ in self.tick() }
        box.withLockedValue { $0.timers = [keepAlive, tick] }
    }

    /// `/mesh-top/instances/NAME`, created only if absent. A record under another lease is
    /// another instance of that name, or an earlier run of this one that died: its lease runs
    /// out within the TTL, so the claim is tried until then.
    private func claim(_ record: SharedInstance, lease: Int64, announce: @Sendable (String) -> Void) throws {
        let key = SharedKey.instance(name).path
        let value = Self.encode(record)
        let deadline = Date().addingTimeInterval(Double(Self.leaseTTL) + 5)
        var announced = false
        while true {
            guard let there = try client.create(key: key, value: value, lease: lease).wait(), there.lease != lease else { break }
            guard Date() < deadline else {
                throw EtcdError("another instance named '\(name)' is up (etcd holds \(key) under a live lease): give each instance its own --instance")
            }
            if !announced {
                logger.notice("etcd: waiting for \(key) to be let go: an earlier run of '\(name)' that died, or another instance of that name")
                announce("waiting for etcd to let go of \(key): an earlier run of '\(name)' that died, or another instance of that name")
                announced = true
            }
            Thread.sleep(forTimeInterval: 1)
        }
        box.withLockedValue { $0.mirror.hold(key, value) }
    }

    // MARK: Local changes out

    /// An endpoint this instance owns (a registration it took), under its lease.
    func publish(service: String, endpoint: Endpoint) {
        let key = SharedKey.registry(EndpointRef(service: service, endpoint: endpoint.id)).path
        let value = Self.encode(SharedEntry(service: service, endpoint: endpoint, instance: name))
        let lease = box.withLockedValue { s in
            s.mirror.hold(key, value)
            return s.lease
        }
        client.put(key: key, value: value, lease: lease).whenFailure { self.trouble("cannot share \(service)/\(endpoint.id): \($0)") }
    }

    /// A deregistration made here: the entry, the operator's words on it and our view go.
    func withdraw(_ ref: EndpointRef) {
        let keys = [SharedKey.registry(ref), .word(ref, .hold), .word(ref, .weight), .health(instance: name, ref)].map(\.path)
        box.withLockedValue { s in
            s.mirror.release(keys[0])
            s.mirror.release(keys[3])
            s.views[keys[3]] = nil
        }
        client.commit(keys.map { .delete(key: $0) }).whenFailure { self.trouble("cannot withdraw \(ref) from etcd: \($0)") }
    }

    /// The operator's word given here, for every instance (no lease: it outlives them all).
    func say(_ command: OperatorCommand) {
        let key = SharedKey.word(command.target, SharedWord.aspect(of: command.action)).path
        let value = Self.encode(SharedWord(command, instance: name, at: Date()))
        box.withLockedValue { $0.mirror.say(key, value) }
        client.put(key: key, value: value).whenFailure { self.trouble("cannot share \(command.action.rawValue) \(command.target): \($0)") }
    }

    /// How this instance sees `ref` now (nil: it no longer does); written at the next tick.
    func view(_ ref: EndpointRef, _ state: EndpointState?) {
        let key = SharedKey.health(instance: name, ref).path
        let value = state.map { Self.encode(SharedView(state: $0)) }
        box.withLockedValue { s in
            if let value { s.mirror.hold(key, value) } else { s.mirror.release(key) }
            s.views[key] = .some(value)
        }
    }

    /// Says goodbye (`leaving`, then the lease is revoked: the others drop what we owned at
    /// once), within a few seconds even when etcd does not answer.
    func stop() {
        let (timers, watch, lease, record) = box.withLockedValue { s in
            s.stopped = true
            s.record.leaving = true
            return (s.timers, s.watch, s.lease, s.record)
        }
        timers.forEach { $0.cancel() }
        watch?.cancel()
        let goodbye = client.put(key: SharedKey.instance(name).path, value: Self.encode(record), lease: lease)
            .flatMap { self.client.revoke(lease: lease) }
        let bounded = loop.makePromise(of: Void.self)
        goodbye.cascade(to: bounded)
        loop.scheduleTask(in: .seconds(3)) { bounded.succeed(()) }
        // Bounded: a goodbye etcd did not take leaves with the lease, which runs out.
        goodbye.whenFailure { self.logger.warning("etcd: cannot say goodbye (the lease runs out instead): \($0)") }
        _ = try? bounded.futureResult.wait()
    }

    /// How many times everything was read again since start-up.
    var resyncs: Int { box.withLockedValue { $0.resyncs } }

    // MARK: Remote changes in

    /// Follows the mesh after `revision`. When the stream stops it resumes from the revision it
    /// had (on whichever member answers); a compacted revision means a full read instead.
    private func follow(after revision: Int64) {
        let watch = client.watch(prefix: SharedKey.root, after: revision) { self.absorb($0) }
        let stopped = box.withLockedValue { s in
            s.watch = watch
            return s.stopped
        }
        if stopped { return watch.cancel() }
        watch.ended.whenComplete { result in
            let current = self.box.withLockedValue { !$0.stopped && $0.watch === watch }
            guard current else { return }
            switch result {
            case .failure(let error as EtcdError):
                if case .compacted = error.kind { return self.resync() }
                self.trouble("etcd watch stopped: \(error)")
            case .failure(let error):
                self.trouble("etcd watch stopped: \(error)")
            case .success:
                break
            }
            // Once etcd answers again the resync (which follows on) is the renewal's to start.
            self.loop.scheduleTask(in: .milliseconds(500)) {
                let resume = self.box.withLockedValue { $0.trouble == nil && !$0.stopped && $0.watch === watch }
                if resume { self.follow(after: watch.revision) }
            }
        }
    }

    private func absorb(_ events: [EtcdEvent]) {
        let outcome = box.withLockedValue { $0.mirror.apply(events, now: Self.now()) }
        carryOut(outcome)
    }

    /// Reads everything again and sets right what differs, both ways; follows on from there.
    private func resync() {
        let go = box.withLockedValue { s in
            if s.resyncing { s.resyncAgain = true }
            defer { s.resyncing = true }
            return !s.resyncing && !s.stopped
        }
        guard go else { return }
        client.range(prefix: SharedKey.root).whenComplete { result in
            switch result {
            case .success(let snapshot):
                let (outcome, old) = self.box.withLockedValue { s in
                    defer { s.watch = nil }
                    s.resyncs += 1
                    return (s.mirror.absorb(snapshot, now: Self.now()), s.watch)
                }
                old?.cancel()
                self.carryOut(outcome)
                self.follow(after: snapshot.revision)
                self.recovered()
            case .failure(let error):
                self.trouble("\(error)")
            }
            let again = self.box.withLockedValue { s in
                defer { s.resyncing = false; s.resyncAgain = false }
                return s.resyncAgain
            }
            if again { self.resync() }
        }
    }

    /// Hands the changes on and makes the writes an outcome calls for. With the lease gone,
    /// the leased writes wait for the next lease (and the full read that follows it).
    private func carryOut(_ outcome: SharedMirror.Outcome) {
        inbox.postShared(outcome.changes)
        let lease = box.withLockedValue { $0.lease }
        var operations: [EtcdOperation] = outcome.resay.map { .put(key: $0.key, value: $0.value, lease: nil) }
        operations += outcome.remove.map { .delete(key: $0) }
        if outcome.leaseLost {
            _ = renew(rewriting: true)
        } else {
            operations += outcome.rewrite.map { .put(key: $0.key, value: $0.value, lease: lease) }
            for (key, value) in outcome.recreate { _ = create(key, value, lease: lease) }
        }
        commit(operations)
    }

    // MARK: Lease and timers

    /// Renews the lease. A lease etcd no longer knows (it was away, or frozen, longer than the
    /// TTL) is replaced, our leased keys are written again under the new one, and everything is
    /// read again to set right the rest (our mesh.yaml's entries nobody holds). After a
    /// trouble, the first renewal that works reads everything again. `rewriting`: our leased
    /// keys went missing; a lease still alive gets them written again.
    private func renew(rewriting: Bool = false) -> EventLoopFuture<Void> {
        let (lease, go) = box.withLockedValue { s in
            defer { s.renewing = true }
            return (s.lease, !s.renewing && !s.stopped)
        }
        guard go else { return loop.makeSucceededVoidFuture() }
        return client.keepAlive(lease: lease).flatMap { alive -> EventLoopFuture<Void> in
            if alive {
                guard rewriting else { return self.loop.makeSucceededVoidFuture() }
                let mine = self.box.withLockedValue { $0.mirror.mine }
                return self.commit(mine.map { .put(key: $0.key, value: $0.value, lease: lease) })
            }
            return self.client.grantLease(ttl: Self.leaseTTL).flatMap { lease in
                let mine = self.box.withLockedValue { s in
                    s.lease = lease
                    return s.mirror.mine
                }
                return self.commit(mine.map { .put(key: $0.key, value: $0.value, lease: lease) }).always { _ in self.resync() }
            }
        }.map {
            let (troubled, watch) = self.box.withLockedValue { ($0.trouble != nil, $0.watch) }
            if troubled {
                self.resync()
            } else if let watch, let member = watch.member, member != self.client.member {
                // The watch sits on a member the calls have left (it died or froze): move it.
                watch.cancel()
            }
        }.flatMapErrorThrowing { error in
            self.trouble("cannot renew the etcd lease: \(error)")
        }.always { _ in
            self.box.withLockedValue { $0.renewing = false }
        }
    }

    /// Every second: orphans whose grace is over go, and the views gathered are written.
    private func tick() {
        let (expired, views, lease) = box.withLockedValue { s -> ([SharedChange], [String: [UInt8]?], Int64) in
            defer { s.views.removeAll() }
            return (s.mirror.expire(now: Self.now()), s.views, s.lease)
        }
        inbox.postShared(expired)
        commit(views.sorted { $0.key < $1.key }.map { key, value in
            value.map { .put(key: key, value: $0, lease: lease) } ?? .delete(key: key)
        })
    }

    // MARK: Writing

    /// In transactions of at most 100 operations (etcd's --max-txn-ops is 128 by default).
    @discardableResult
    private func commit(_ operations: [EtcdOperation]) -> EventLoopFuture<Void> {
        let chunks = stride(from: 0, to: operations.count, by: 100).map { Array(operations[$0..<min($0 + 100, operations.count)]) }
        let done = chunks.map { chunk in
            client.commit(chunk).flatMapErrorThrowing { error in
                self.trouble("cannot write to etcd: \(error)")
                throw error
            }
        }
        return EventLoopFuture.andAllSucceed(done, on: loop)
    }

    /// One of our mesh.yaml's entries, unless another instance naming it holds it already.
    private func create(_ key: String, _ value: [UInt8], lease: Int64) -> EventLoopFuture<Void> {
        client.create(key: key, value: value, lease: lease).map { there in
            // Ours: created now, or by an earlier try whose answer was lost.
            if there == nil || there?.lease == lease { self.box.withLockedValue { $0.mirror.hold(key, value) } }
        }.flatMapErrorThrowing { error in
            self.trouble("cannot share \(key): \(error)")
            throw error
        }
    }

    /// The events pane hears of an outage once; the log hears of each failure (after the
    /// first, at `debug`: a long outage is one warning, not one per retry).
    private func trouble(_ text: String) {
        let new = box.withLockedValue { s in
            defer { s.trouble = s.trouble ?? text }
            return s.trouble == nil && !s.stopped
        }
        if new {
            logger.warning("etcd: \(text); serving on what is known")
            inbox.postShared([.notice("etcd: \(text); serving on what is known")])
        } else {
            logger.debug("etcd: \(text)")
        }
    }

    private func recovered() {
        let was = box.withLockedValue { s in
            defer { s.trouble = nil }
            return s.trouble
        }
        if was != nil {
            logger.notice("etcd is back; the shared mesh is in step again")
            inbox.postShared([.notice("etcd is back; the shared mesh is in step again")])
        }
    }

    static func encode(_ value: some Encodable) -> [UInt8] {
        let encoder = JSONEncoder()
        // The same entry gives the same bytes: a copy written again is no change.
        encoder.outputFormatting = [.sortedKeys]
        // Our own plain records: encoding them cannot fail.
        return (try? encoder.encode(value)).map(Array.init) ?? []
    }

    static func now() -> Double { Double(DispatchTime.now().uptimeNanoseconds) / 1e9 }
}
