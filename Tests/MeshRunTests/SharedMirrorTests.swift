import Foundation
import MeshCore
import MeshEtcd
import Testing
@testable import MeshRun

/// The rules of the shared mesh, without etcd: what each snapshot or watch batch means to
/// instance `a`.
@Suite struct SharedMirrorTests {
    let web1 = EndpointRef(service: "web", endpoint: "web-1")

    func mirror() -> SharedMirror { SharedMirror(me: "a", grace: 10) }

    func record(_ name: String, leaving: Bool? = nil) -> EtcdEvent {
        .put(EtcdKeyValue(key: SharedKey.instance(name).path,
                          value: SharedMesh.encode(SharedInstance(name: name, incarnation: "x", admin: "h:1", started: "t", leaving: leaving))))
    }

    func entryValue(_ ref: EndpointRef, owner: String, weight: Int = 100) -> [UInt8] {
        SharedMesh.encode(SharedEntry(service: ref.service, endpoint: Endpoint(id: ref.endpoint, address: "10.0.0.1:80", weight: weight),
                                      instance: owner))
    }

    func entry(_ ref: EndpointRef, owner: String, weight: Int = 100) -> EtcdEvent {
        .put(EtcdKeyValue(key: SharedKey.registry(ref).path, value: entryValue(ref, owner: owner, weight: weight)))
    }

    func wordValue(_ action: OperatorAction, on ref: EndpointRef, by instance: String) -> [UInt8] {
        SharedMesh.encode(SharedWord(OperatorCommand(action: action, target: ref, by: "api", instance: instance), instance: instance,
                                     at: Date(timeIntervalSince1970: 0)))
    }

    func word(_ action: OperatorAction, on ref: EndpointRef, by instance: String) -> EtcdEvent {
        .put(EtcdKeyValue(key: SharedKey.word(ref, .hold).path, value: wordValue(action, on: ref, by: instance)))
    }

    func gone(_ key: SharedKey) -> EtcdEvent { .delete(key: key.path, revision: 0) }

    @Test func keysSplitBackIntoTheirParts() {
        for key in [SharedKey.instance("a"), .registry(web1), .word(web1, .weight), .health(instance: "b", web1)] {
            #expect(SharedKey(path: key.path) == key)
        }
        #expect(SharedKey.health(instance: "b", web1).path == "/mesh-top/health/b/web/web-1")
        #expect(SharedKey(path: "/mesh-top/registry/web") == nil)
        #expect(SharedKey(path: "/elsewhere/registry/web/web-1") == nil)
    }

    @Test func ourOwnWritesComingBackAreNoChange() {
        var m = mirror()
        let outcome = m.apply([record("a"), entry(web1, owner: "a")], now: 0)
        #expect(outcome.changes.isEmpty)
    }

    @Test func anotherInstancesEndpointIsMirroredOnceAndLeavesWithItsGoodbye() {
        var m = mirror()
        var outcome = m.apply([record("b"), entry(web1, owner: "b")], now: 0)
        #expect(outcome.changes.count == 2)
        #expect(outcome.changes.first == .instance(InstanceChange(instance: "b", action: .joined, admin: "h:1")))
        guard case .registered("web", let endpoint)? = outcome.changes.last else {
            Issue.record("not registered")
            return
        }
        #expect(endpoint.owner == "b" && endpoint.registration == nil && endpoint.address == "10.0.0.1:80")
        // The same bytes again (a lease renewed, an owner restarted) are no change; new ones are.
        #expect(m.apply([entry(web1, owner: "b")], now: 1).changes.isEmpty)
        #expect(m.apply([entry(web1, owner: "b", weight: 7)], now: 1).changes.count == 1)
        // A goodbye: `leaving`, then the revoked lease takes record and entry in one revision.
        #expect(m.apply([record("b", leaving: true)], now: 2).changes.isEmpty)
        outcome = m.apply([gone(.instance("b")), gone(.registry(web1))], now: 3)
        #expect(outcome.changes == [.instance(InstanceChange(instance: "b", action: .left)),
                                    .deregistered(web1, reason: "its instance b left")])
    }

    @Test func aLostInstancesEndpointsStayForTheGraceAndStayForGoodIfItComesBack() {
        var m = mirror()
        _ = m.apply([record("b"), entry(web1, owner: "b")], now: 0)
        let lost = m.apply([gone(.instance("b")), gone(.registry(web1))], now: 100)
        #expect(lost.changes.count == 1)
        if case .instance(let change)? = lost.changes.first { #expect(change.action == .lost && change.instance == "b") }
        #expect(m.expire(now: 109).isEmpty)
        #expect(m.expire(now: 110.5) == [.deregistered(web1, reason: "its instance b is gone (its etcd lease ran out)")])

        // Back within the grace (a frozen etcd dropped every lease): nothing moves.
        var n = mirror()
        _ = n.apply([record("b"), entry(web1, owner: "b")], now: 0)
        _ = n.apply([gone(.instance("b")), gone(.registry(web1))], now: 100)
        let back = n.apply([record("b"), entry(web1, owner: "b")], now: 103)
        #expect(back.changes == [.instance(InstanceChange(instance: "b", action: .joined, admin: "h:1"))])
        #expect(n.expire(now: 200).isEmpty)
    }

    @Test func wordsFollowEtcdsOrderAndOursAreNotAdoptedBack() {
        var m = mirror()
        let ours = wordValue(.drain, on: web1, by: "a")
        m.say(SharedKey.word(web1, .hold).path, ours)
        // b's restore was written before our drain (it comes first): our drain is the last word.
        #expect(m.apply([word(.restore, on: web1, by: "b")], now: 0).changes.isEmpty)
        #expect(m.apply([.put(EtcdKeyValue(key: SharedKey.word(web1, .hold).path, value: ours))], now: 0).changes.isEmpty)
        #expect(m.pending.isEmpty)
        // After ours, c's kill is the last word.
        let kill = m.apply([word(.kill, on: web1, by: "c")], now: 0)
        #expect(kill.changes == [.word(OperatorCommand(action: .kill, target: web1, by: "api", instance: "c"))])
    }

    @Test func ourWordFromBeforeARestartIsAdopted() {
        var m = mirror()
        let outcome = m.apply([word(.drain, on: web1, by: "a")], now: 0)
        #expect(outcome.changes == [.word(OperatorCommand(action: .drain, target: web1, by: "api", instance: "a"))])
    }

    @Test func ourLeaseRunningOutKeepsOurRegistrationsToWriteAgain() {
        var m = mirror()
        let key = SharedKey.registry(web1).path
        m.hold(key, entryValue(web1, owner: "a"))
        _ = m.apply([record("a"), entry(web1, owner: "a")], now: 0)
        let outcome = m.apply([gone(.instance("a")), gone(.registry(web1))], now: 1)
        #expect(outcome.leaseLost && outcome.changes.isEmpty)
        #expect(m.mine[key] != nil)
    }

    @Test func ourRegistrationDeregisteredElsewhereGoesHereToo() {
        var m = mirror()
        m.hold(SharedKey.registry(web1).path, entryValue(web1, owner: "a"))
        let outcome = m.apply([gone(.registry(web1))], now: 1)
        #expect(outcome.changes == [.deregistered(web1, reason: nil)] && !outcome.leaseLost)
        #expect(m.mine.isEmpty)
    }

    @Test func anEndpointOurFileNamesIsOursToKeepInEtcd() {
        var m = mirror()
        let key = SharedKey.registry(web1).path, value = entryValue(web1, owner: "a")
        m.configure(key, value)
        // b names it too and holds the key: no change here.
        #expect(m.apply([record("b"), entry(web1, owner: "b")], now: 0).changes.count == 1)
        // b leaves: nobody holds it, so we create it again.
        let outcome = m.apply([gone(.instance("b")), gone(.registry(web1))], now: 1)
        #expect(outcome.recreate == [key: value])
        #expect(!outcome.changes.contains { if case .deregistered = $0 { true } else { false } })
    }

    @Test func aSnapshotAfterAnOutageSetsRightWhatDiffersBothWays() {
        var m = mirror()
        let web2 = EndpointRef(service: "web", endpoint: "web-2"), api = EndpointRef(service: "api", endpoint: "api-1")
        let record = SharedMesh.encode(SharedInstance(name: "a", incarnation: "run-1", admin: nil, started: "t"))
        m.hold(SharedKey.instance("a").path, record)
        _ = m.apply([.put(EtcdKeyValue(key: SharedKey.instance("a").path, value: record)), self.record("b"), entry(web2, owner: "b")], now: 0)
        // While etcd was away: we registered api-1 and drained web-2 (neither write got through),
        // gave up a view; b deregistered web-2 and registered web-1.
        let apiKey = SharedKey.registry(api).path
        m.hold(apiKey, entryValue(api, owner: "a"))
        let drain = wordValue(.drain, on: web2, by: "a")
        m.say(SharedKey.word(web2, .hold).path, drain)
        let staleView = SharedKey.health(instance: "a", web2).path
        let snapshot = EtcdSnapshot(revision: 9, pairs: [
            EtcdKeyValue(key: SharedKey.registry(web1).path, value: entryValue(web1, owner: "b")),
            EtcdKeyValue(key: staleView, value: SharedMesh.encode(SharedView(state: .healthy))),
            EtcdKeyValue(key: SharedKey.instance("b").path, value: SharedMesh.encode(SharedInstance(name: "b", incarnation: "x", admin: "h:1", started: "t"))),
            EtcdKeyValue(key: SharedKey.instance("a").path, value: record),
        ])
        let outcome = m.absorb(snapshot, now: 1)
        #expect(outcome.changes.count == 2)
        #expect(outcome.changes.first == SharedChange.deregistered(web2, reason: nil))
        if case .registered(_, let endpoint)? = outcome.changes.last { #expect(endpoint.id == "web-1") } else { Issue.record("web-1 not registered") }
        #expect(outcome.rewrite == [apiKey: entryValue(api, owner: "a")])
        #expect(outcome.resay == [SharedKey.word(web2, .hold).path: drain])
        #expect(outcome.remove == [staleView])
        #expect(!outcome.leaseLost)
    }

    @Test func aSnapshotIsAppliedOwnersFirstThenEndpointsThenWordsThenViews() {
        var m = mirror()
        let snapshot = EtcdSnapshot(revision: 4, pairs: [
            EtcdKeyValue(key: SharedKey.health(instance: "b", web1).path, value: SharedMesh.encode(SharedView(state: .unhealthy))),
            EtcdKeyValue(key: SharedKey.word(web1, .hold).path, value: wordValue(.drain, on: web1, by: "b")),
            EtcdKeyValue(key: SharedKey.registry(web1).path, value: entryValue(web1, owner: "b")),
            EtcdKeyValue(key: SharedKey.instance("b").path, value: SharedMesh.encode(SharedInstance(name: "b", incarnation: "x", admin: nil, started: "t"))),
            EtcdKeyValue(key: SharedKey.instance("a").path, value: []),
        ])
        let kinds = m.absorb(snapshot, now: 0).changes.map { change -> String in
            switch change {
            case .instance: "instance"
            case .registered: "registered"
            case .word: "word"
            case .view(let view): "view \(view.instance) \(view.state?.rawValue ?? "-")"
            default: "other"
            }
        }
        #expect(kinds == ["instance", "registered", "word", "view b unhealthy"])
    }
}
