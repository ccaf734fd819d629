import Foundation
import MeshCore
import MeshEtcd
import NIOConcurrencyHelpers
import NIOCore

/// The registry shared through etcd (`run --registry etcd://…`). Registrations this instance
/// accepts are written under its lease, so they vanish when it stops or dies; every instance
/// mirrors what the others write. Remote changes reach the control thread through the inbox,
/// as check results do, and become ordinary `registry` events there. Health stays local: each
/// instance checks what it routes to.
final class SharedRegistry: Sendable {
    static let prefix = "/mesh-top/registry/"
    /// Seconds a dead instance's registrations outlive it; renewed every third of it.
    static let leaseTTL: Int64 = 10

    let client: EtcdClient
    /// Written into every entry, to recognise our own writes coming back.
    let owner = UUID().uuidString
    private let loop: any EventLoop
    private let inbox: LiveInbox
    private let state: NIOLockedValueBox<State>

    private struct State {
        var lease: Int64
        /// Every key under the prefix as last seen, to apply only what changed.
        var seen: [String: [UInt8]] = [:]
        /// Our own entries, written again if the lease is ever lost.
        var mine: [String: [UInt8]] = [:]
        var watch: EtcdWatch?
        var keepAlive: RepeatedTask?
        var stopped = false
        /// A problem already reported, so that a long outage is one notice, not one per retry.
        var trouble: String?
    }

    /// Takes a lease and reads what is registered now (posted to the inbox for the first step);
    /// throws one line when no member of the cluster answers.
    init(cluster: EtcdCluster, group: any EventLoopGroup, inbox: LiveInbox) throws {
        client = EtcdClient(cluster: cluster, group: group)
        loop = group.next()
        self.inbox = inbox
        let lease = try client.grantLease(ttl: Self.leaseTTL).wait()
        state = NIOLockedValueBox(State(lease: lease))
        let snapshot = try client.range(prefix: Self.prefix).wait()
        absorb(snapshot)
        follow(after: snapshot.revision)
        let every = TimeAmount.milliseconds(Self.leaseTTL * 1000 / 3)
        let task = loop.scheduleRepeatedAsyncTask(initialDelay: every, delay: every) { _ in self.renew() }
        state.withLockedValue { $0.keepAlive = task }
    }

    // MARK: Local changes out

    func publish(service: String, endpoint: Endpoint) {
        let key = SharedEntry.key(service: service, id: endpoint.id)
        guard let value = try? JSONEncoder().encode(SharedEntry(service: service, endpoint: endpoint, owner: owner)) else { return }
        let bytes = Array(value)
        let lease = state.withLockedValue { s in
            s.mine[key] = bytes
            s.seen[key] = bytes
            return s.lease
        }
        client.put(key: key, value: bytes, lease: lease).whenFailure { self.trouble("cannot share \(service)/\(endpoint.id): \($0)") }
    }

    func withdraw(_ ref: EndpointRef) {
        let key = SharedEntry.key(service: ref.service, id: ref.endpoint)
        state.withLockedValue { s in
            s.mine[key] = nil
            s.seen[key] = nil
        }
        client.delete(key: key).whenFailure { self.trouble("cannot withdraw \(ref) from etcd: \($0)") }
    }

    /// Stops following and revokes the lease, so the others drop our registrations at once.
    func stop() {
        let (watch, task, lease) = state.withLockedValue { s in
            s.stopped = true
            return (s.watch, s.keepAlive, s.lease)
        }
        task?.cancel()
        watch?.cancel()
        _ = try? client.revoke(lease: lease).wait()
    }

    // MARK: Remote changes in

    /// A whole snapshot: what changed since the last one we saw becomes commands. Returns our
    /// own entries that etcd does not hold as we wrote them (a write lost while it was away):
    /// they are to be written again, not deregistered.
    @discardableResult
    private func absorb(_ snapshot: EtcdSnapshot) -> [String: [UInt8]] {
        let (commands, lost): ([RegistryCommand], [String: [UInt8]]) = state.withLockedValue { s in
            var commands: [RegistryCommand] = []
            let now = Dictionary(snapshot.pairs.map { ($0.key, $0.value) }, uniquingKeysWith: { _, b in b })
            for (key, _) in s.seen where now[key] == nil && s.mine[key] == nil {
                s.seen[key] = nil
                if let id = SharedEntry.id(ofKey: key) { commands.append(.deregister(id: id)) }
            }
            for pair in snapshot.pairs where s.seen[pair.key] != pair.value {
                s.seen[pair.key] = pair.value
                if let command = register(pair) { commands.append(command) }
            }
            return (commands, s.mine.filter { now[$0.key] != $0.value })
        }
        inbox.post(commands)
        return lost
    }

    private func apply(_ events: [EtcdEvent]) {
        let commands: [RegistryCommand] = state.withLockedValue { s in
            events.compactMap { event in
                switch event {
                case .put(let pair):
                    guard s.seen[pair.key] != pair.value else { return nil }
                    s.seen[pair.key] = pair.value
                    let command = register(pair)
                    // Another instance registered the same ID since: the key is theirs now.
                    if command != nil { s.mine[pair.key] = nil }
                    return command
                case .delete(let key, _):
                    s.seen[key] = nil
                    s.mine[key] = nil
                    return SharedEntry.id(ofKey: key).map { .deregister(id: $0) }
                }
            }
        }
        inbox.post(commands)
    }

    private func register(_ pair: EtcdKeyValue) -> RegistryCommand? {
        guard let entry = try? JSONDecoder().decode(SharedEntry.self, from: Data(pair.value)), entry.owner != owner else { return nil }
        return .register(service: entry.service, endpoint: entry.endpoint, replaceChecks: true)
    }

    /// Watches from `revision`; when the stream stops (etcd restarted, a member went away, the
    /// revision was compacted) reads everything again and watches on from there.
    private func follow(after revision: Int64) {
        let watch = client.watch(prefix: Self.prefix, after: revision) { self.apply($0) }
        let stopped = state.withLockedValue { s in
            s.watch = watch
            return s.stopped
        }
        if stopped { watch.cancel(); return }
        watch.ended.whenComplete { result in
            guard !self.state.withLockedValue({ $0.stopped }) else { return }
            if case .failure(let error) = result { self.trouble("etcd watch stopped: \(error)") }
            self.loop.scheduleTask(in: .seconds(1)) { self.resync() }
        }
    }

    private func resync() {
        guard !state.withLockedValue({ $0.stopped }) else { return }
        client.range(prefix: Self.prefix).whenComplete { result in
            switch result {
            case .success(let snapshot):
                self.recovered()
                let lost = self.absorb(snapshot)
                self.follow(after: snapshot.revision)
                _ = self.write(lost, lease: self.state.withLockedValue { $0.lease })
            case .failure(let error):
                self.trouble("\(error)")
                self.loop.scheduleTask(in: .seconds(1)) { self.resync() }
            }
        }
    }

    /// Renews the lease; a lease etcd no longer knows (it was away longer than the TTL) is
    /// replaced and our entries are written again under the new one.
    private func renew() -> EventLoopFuture<Void> {
        let lease = state.withLockedValue { $0.lease }
        return client.keepAlive(lease: lease).flatMap { alive -> EventLoopFuture<Void> in
            if alive { return self.loop.makeSucceededVoidFuture() }
            return self.client.grantLease(ttl: Self.leaseTTL).flatMap { lease in
                let mine = self.state.withLockedValue { s in
                    s.lease = lease
                    return s.mine
                }
                return self.write(mine, lease: lease)
            }
        }.flatMapErrorThrowing { error in
            self.trouble("cannot renew the etcd lease: \(error)")
        }
    }

    /// Writes our entries (again) under `lease`; a failure is reported once.
    private func write(_ entries: [String: [UInt8]], lease: Int64) -> EventLoopFuture<Void> {
        let puts = entries.map { key, value in
            client.put(key: key, value: value, lease: lease).flatMapErrorThrowing { error in
                self.trouble("cannot share \(key): \(error)")
                throw error
            }
        }
        return EventLoopFuture.andAllSucceed(puts, on: loop)
    }

    private func trouble(_ text: String) {
        let new = state.withLockedValue { s in
            defer { s.trouble = text }
            return s.trouble == nil
        }
        if new { inbox.postNotice(text) }
    }

    private func recovered() {
        let was = state.withLockedValue { s in
            defer { s.trouble = nil }
            return s.trouble
        }
        if was != nil { inbox.postNotice("etcd is back; the registry is in step again") }
    }
}
