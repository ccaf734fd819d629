import Foundation
import MeshCore
import MeshEtcd

/// This instance's picture of the shared mesh in etcd, and what to do about each change: a
/// value with no I/O, so that every rule is tested without etcd. Inputs are a whole snapshot
/// (start, and the resync after an outage or a compaction), a watch batch, the passing of time
/// and this instance's own writes; outputs are changes for the engine and writes to make.
///
/// Its rules follow Consul's anti-entropy (`agent/local/state.go`, `updateSyncState` and
/// `SyncChanges`): what this instance owns (its mesh.yaml's endpoints, the registrations it
/// took, its record and its views) is its to keep in etcd, and is written again whenever etcd
/// lacks it; what others own is mirrored as etcd has it.
struct SharedMirror {
    /// What a snapshot or batch calls for.
    struct Outcome: Equatable {
        var changes: [SharedChange] = []
        /// etcd dropped this instance's lease (it was away longer than the TTL): take a new
        /// one and write every leased key again.
        var leaseLost = false
        /// Leased keys of ours etcd does not hold as written: to write again under the lease.
        var rewrite: [String: [UInt8]] = [:]
        /// Entries of our mesh.yaml that nobody holds: to create under our lease, unless
        /// another instance naming them too gets there first.
        var recreate: [String: [UInt8]] = [:]
        /// Operator words said here that etcd does not hold yet: to say again.
        var resay: [String: [UInt8]] = [:]
        /// Keys etcd holds as ours that we gave up while it could not hear us: to delete.
        var remove: [String] = []
    }

    let me: String
    /// How long the endpoints of an instance whose lease ran out stay: it may only have lost
    /// etcd for a while (a frozen or restarted etcd drops every lease at once) and be back.
    let grace: Double
    /// Our mesh.yaml's endpoints as published (key → entry).
    private(set) var configured: [String: [UInt8]] = [:]
    /// Every key as last seen from etcd.
    private(set) var seen: [String: [UInt8]] = [:]
    /// Leased keys we wrote (record, registrations, views): ours to keep in etcd.
    private(set) var mine: [String: [UInt8]] = [:]
    /// Operator words said here and not yet seen coming back through the watch.
    private(set) var pending: [String: [UInt8]] = [:]
    /// The other instances up now.
    private(set) var instances: [String: SharedInstance] = [:]
    /// Endpoints of instances whose lease ran out: when they go unless written again.
    private(set) var orphans: [String: (ref: EndpointRef, owner: String, until: Double)] = [:]

    init(me: String, grace: Double) {
        self.me = me; self.grace = grace
    }

    // MARK: Our writes

    /// An endpoint our mesh.yaml names, published.
    mutating func configure(_ key: String, _ value: [UInt8]) { configured[key] = value }

    /// A leased key we write (or created, for a configured entry).
    mutating func hold(_ key: String, _ value: [UInt8]) { mine[key] = value }

    /// A leased key we removed.
    mutating func release(_ key: String) { mine[key] = nil }

    /// An operator word we said.
    mutating func say(_ key: String, _ value: [UInt8]) { pending[key] = value }

    // MARK: etcd's changes

    /// A whole snapshot: what differs from what we saw, as changes; what of ours etcd lacks.
    mutating func absorb(_ snapshot: EtcdSnapshot, now: Double) -> Outcome {
        let there = Dictionary(snapshot.pairs.map { ($0.key, $0.value) }, uniquingKeysWith: { _, b in b })
        var events: [EtcdEvent] = seen.keys.filter { there[$0] == nil }.sorted().map { .delete(key: $0, revision: snapshot.revision) }
        let puts = snapshot.pairs.filter { seen[$0.key] != $0.value || pending[$0.key] != nil }
            .sorted { (SharedKey(path: $0.key)?.rank ?? 9, $0.key) < (SharedKey(path: $1.key)?.rank ?? 9, $1.key) }
        events += puts.map { .put($0) }
        var outcome = apply(events, now: now)
        for (key, value) in mine where there[key] != value { outcome.rewrite[key] = value }
        for (key, value) in configured where there[key] == nil && mine[key] == nil { outcome.recreate[key] = value }
        for (key, value) in pending where there[key] != value { outcome.resay[key] = value }
        for pair in snapshot.pairs where mine[pair.key] == nil && isOurs(pair) { outcome.remove.append(pair.key) }
        if there[SharedKey.instance(me).path] == nil { outcome.leaseLost = true }
        return outcome
    }

    /// A watch batch: whole revisions, in order.
    mutating func apply(_ events: [EtcdEvent], now: Double) -> Outcome {
        var outcome = Outcome()
        // A lease's keys go in one revision: the instance records deleted in this batch say
        // whose keys went with a lease rather than one by one.
        var left: Set<String> = [], lost: Set<String> = []
        for case .delete(let path, _) in events {
            guard case .instance(let name)? = SharedKey(path: path) else { continue }
            seen[path] = nil
            if name == me {
                outcome.leaseLost = true
                continue
            }
            guard let record = instances.removeValue(forKey: name) else { continue }
            if record.leaving == true {
                left.insert(name)
                outcome.changes.append(.instance(InstanceChange(instance: name, action: .left)))
            } else {
                lost.insert(name)
                outcome.changes.append(.instance(InstanceChange(
                    instance: name, action: .lost,
                    detail: "its etcd lease ran out; its endpoints stay \(Int(grace)) s in case it comes back")))
            }
        }
        for event in events {
            switch event {
            case .put(let pair): put(pair, &outcome)
            case .delete(let path, _): delete(path, left: left, lost: lost, now: now, &outcome)
            }
        }
        return outcome
    }

    /// A leased key etcd holds in our name: a registration or a view of ours (not the record:
    /// the lease it is under may still be ours).
    private func isOurs(_ pair: EtcdKeyValue) -> Bool {
        switch SharedKey(path: pair.key) {
        case .health(let name, _)?: name == me
        // A record that does not decode (another version's, or damaged) is nobody's we know.
        case .registry?: configured[pair.key] == nil && (try? JSONDecoder().decode(SharedEntry.self, from: Data(pair.value)))?.instance == me
        default: false
        }
    }

    /// Orphans whose grace is over go.
    mutating func expire(now: Double) -> [SharedChange] {
        let due = orphans.filter { $0.value.until <= now }.sorted { $0.key < $1.key }
        return due.map { key, orphan in
            orphans[key] = nil
            seen[key] = nil
            return .deregistered(orphan.ref, reason: "its instance \(orphan.owner) is gone (its etcd lease ran out)")
        }
    }

    // MARK: One key

    private mutating func put(_ pair: EtcdKeyValue, _ outcome: inout Outcome) {
        guard let key = SharedKey(path: pair.key) else { return }
        let previous = seen[pair.key]
        seen[pair.key] = pair.value
        switch key {
        case .instance(let name):
            // Records that do not decode (another version's, or damaged) are skipped, not applied.
            guard name != me, let record = try? JSONDecoder().decode(SharedInstance.self, from: Data(pair.value)) else { return }
            if instances.updateValue(record, forKey: name) == nil {
                outcome.changes.append(.instance(InstanceChange(instance: name, action: .joined, admin: record.admin)))
            }
        case .registry(let ref):
            orphans[pair.key] = nil
            guard configured[pair.key] == nil, previous != pair.value,
                  let entry = try? JSONDecoder().decode(SharedEntry.self, from: Data(pair.value)), entry.instance != me else { return }
            // Another instance registered the same ID since: it is theirs now.
            mine[pair.key] = nil
            outcome.changes.append(.registered(service: ref.service, endpoint: entry.endpoint))
        case .word(let ref, _):
            if let said = pending[pair.key] {
                // Ours coming back: what came before it is older than what we said.
                if said == pair.value { pending[pair.key] = nil }
                return
            }
            guard previous != pair.value, let word = try? JSONDecoder().decode(SharedWord.self, from: Data(pair.value)) else { return }
            outcome.changes.append(.word(word.command(for: ref)))
        case .health(let name, let ref):
            guard name != me, previous != pair.value,
                  let view = try? JSONDecoder().decode(SharedView.self, from: Data(pair.value)) else { return }
            outcome.changes.append(.view(ViewChange(instance: name, endpoint: ref, state: view.state)))
        }
    }

    private mutating func delete(_ path: String, left: Set<String>, lost: Set<String>, now: Double, _ outcome: inout Outcome) {
        guard let key = SharedKey(path: path) else { return }
        let previous = seen.removeValue(forKey: path)
        switch key {
        case .instance:
            break
        case .registry(let ref):
            if let value = configured[path] {
                if mine[path] == nil { outcome.recreate[path] = value }
                return
            }
            if mine[path] != nil {
                // Gone with our lease: written again under the next one. Otherwise someone
                // deregistered it elsewhere.
                if outcome.leaseLost { return }
                mine[path] = nil
                outcome.changes.append(.deregistered(ref, reason: nil))
                return
            }
            // An entry that did not decode was never applied: nothing to take back.
            guard let previous, let entry = try? JSONDecoder().decode(SharedEntry.self, from: Data(previous)),
                  entry.instance != me else { return }
            if lost.contains(entry.instance) || (!left.contains(entry.instance) && instances[entry.instance] == nil) {
                seen[path] = previous
                orphans[path] = (ref, entry.instance, now + grace)
            } else {
                outcome.changes.append(.deregistered(ref, reason: left.contains(entry.instance) ? "its instance \(entry.instance) left" : nil))
            }
        case .word(let ref, _):
            pending[path] = nil
            if previous != nil { outcome.changes.append(.unsaid(ref)) }
        case .health(let name, let ref):
            guard name != me, previous != nil else { return }
            outcome.changes.append(.view(ViewChange(instance: name, endpoint: ref, state: nil)))
        }
    }
}
