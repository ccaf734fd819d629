import Foundation
import MeshCore
import MeshEtcd
import MeshTestSupport
import NIOCore
import NIOPosix
import Testing

/// The etcd client against a real etcd, with members that are dead (nothing listens) or
/// frozen (a socket that takes connections and never answers, as a SIGSTOPped etcd).
@Suite(.serialized) struct EtcdClientTests {
    /// A listening socket nobody accepts from: connects succeed, nothing is ever answered.
    final class FrozenMember {
        let fd: Int32
        let port: Int
        init() {
            port = Loopback.freePort(in: 34_001...34_900)
            fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            var one: Int32 = 1
            setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
            _ = Loopback.withAddress(port) { bind(fd, $0, $1) }
            listen(fd, 16)
        }
        deinit { close(fd) }
    }

    func withEtcd(_ body: (EtcdServer, MultiThreadedEventLoopGroup) throws -> Void) throws {
        guard EtcdServer.available({ Issue.record(Comment(rawValue: $0)) }) else { return }
        let etcd = EtcdServer()
        try etcd.start()
        defer { etcd.stop() }
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        defer { try? group.syncShutdownGracefully() }
        try body(etcd, group)
    }

    @Test func callsPassOverADeadAndAFrozenMember() throws {
        try withEtcd { etcd, group in
            let frozen = FrozenMember()
            let dead = Loopback.freePort(in: 34_001...34_900)
            let cluster = try EtcdCluster(url: "etcd://127.0.0.1:\(dead),127.0.0.1:\(frozen.port),\(etcd.member)")
            let client = EtcdClient(cluster: cluster, group: group, timeout: .seconds(1))
            try client.put(key: "/t/a", value: Array("1".utf8)).wait()
            #expect(client.member.description == etcd.member)
            // The member that answered is tried first from now on: no timeout to pay again.
            let started = Date()
            #expect(try client.range(prefix: "/t/").wait().pairs.map(\.key) == ["/t/a"])
            #expect(Date().timeIntervalSince(started) < 1)

            // With no member answering, the error names each one and why.
            let none = EtcdClient(cluster: try EtcdCluster(url: "etcd://127.0.0.1:\(dead),127.0.0.1:\(frozen.port)"), group: group,
                                  timeout: .seconds(1))
            #expect(throws: EtcdError("cannot reach etcd: 127.0.0.1:\(dead): connection refused; 127.0.0.1:\(frozen.port): no answer to /v3/kv/range in 1 s",
                                      kind: .unreachable)) {
                try none.range(prefix: "/t/").wait()
            }
        }
    }

    @Test func aWatchOpensOnTheFirstMemberThatAnswersAndSaysWhichAndHowFarItGot() throws {
        try withEtcd { etcd, group in
            let frozen = FrozenMember()
            let cluster = try EtcdCluster(url: "etcd://127.0.0.1:\(frozen.port),\(etcd.member)")
            let client = EtcdClient(cluster: cluster, group: group, timeout: .seconds(1))
            let start = try client.range(prefix: "/w/").wait().revision
            let seen = Locked<[EtcdEvent]>([])
            let watch = client.watch(prefix: "/w/", after: start) { events in seen.mutate { $0 += events } }
            defer { watch.cancel() }
            let deadline = Date().addingTimeInterval(20)
            while watch.member == nil, Date() < deadline { usleep(50_000) }
            #expect(watch.member?.description == etcd.member)
            try client.put(key: "/w/x", value: [1]).wait()
            _ = try client.delete(key: "/w/x").wait()
            while seen.value.count < 2, Date() < deadline { usleep(50_000) }
            #expect(seen.value.map(\.revision) == [start + 1, start + 2])
            if case .delete(let key, _)? = seen.value.last { #expect(key == "/w/x") } else { Issue.record("no delete seen") }
            #expect(watch.revision == start + 2)
        }
    }

    @Test func aWatchForCompactedHistoryEndsSayingSo() throws {
        try withEtcd { etcd, group in
            let client = EtcdClient(cluster: try EtcdCluster(url: etcd.url), group: group)
            let start = try client.range(prefix: "/c/").wait().revision
            for i in 0..<3 { try client.put(key: "/c/\(i)", value: [UInt8(i)]).wait() }
            let compacted = try #require(etcd.compact())
            let watch = client.watch(prefix: "/c/", after: start) { _ in }
            #expect(throws: EtcdError("etcd has compacted the revisions after \(start) away (to \(compacted))",
                                      kind: .compacted(revision: compacted))) {
                try watch.ended.wait()
            }
        }
    }

    @Test func createWritesOnlyWhatIsNotThereAndTransactionsWriteTogether() throws {
        try withEtcd { etcd, group in
            let client = EtcdClient(cluster: try EtcdCluster(url: etcd.url), group: group)
            let lease = try client.grantLease(ttl: 30).wait()
            #expect(try client.create(key: "/k/a", value: [1], lease: lease).wait() == nil)
            let there = try client.create(key: "/k/a", value: [2], lease: nil).wait()
            #expect(there?.value == [1] && there?.lease == lease)
            let before = try client.range(prefix: "/k/").wait().revision
            try client.commit([.put(key: "/k/b", value: [3], lease: nil), .delete(key: "/k/a")]).wait()
            let snapshot = try client.range(prefix: "/k/").wait()
            #expect(snapshot.pairs.map(\.key) == ["/k/b"])
            // Both writes in one revision.
            #expect(snapshot.revision == before + 1 && snapshot.pairs.first?.modRevision == before + 1)
            #expect(try client.keepAlive(lease: lease).wait())
            try client.revoke(lease: lease).wait()
            #expect(try client.keepAlive(lease: lease).wait() == false)
        }
    }
}
