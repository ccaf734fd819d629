import Foundation
import MeshEtcd
import MeshTestSupport
import NIOCore
import NIOPosix
import Testing

/// The etcd client against a real etcd with auth enabled: every call and watch carries the
/// token, and a token etcd no longer takes (it ran out: `--auth-token-ttl`) is traded for a
/// new one without the caller noticing.
@Suite(.serialized) struct EtcdAuthTests {
    @Test func aTokenThatRanOutIsRenewedForCallsAndWatches() throws {
        guard EtcdServer.available({ Issue.record(Comment(rawValue: $0)) }) else { return }
        // Tokens unused for a second run out.
        let etcd = EtcdServer(authTokenTTL: 1)
        defer { etcd.stop() }
        try etcd.start()
        #expect(etcd.enableAuth(password: "pw"))
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        defer { try? group.syncShutdownGracefully() }
        var cluster = try EtcdCluster(url: etcd.url)
        cluster.credentials = EtcdCredentials(user: "root", password: "pw")
        let client = EtcdClient(cluster: cluster, group: group, timeout: .seconds(5))
        try client.put(key: "/a/1", value: [1]).wait()

        // The token runs out (etcd then answers "invalid auth token"): the next call
        // authenticates again and succeeds.
        Thread.sleep(forTimeInterval: 3)
        let start = try client.range(prefix: "/a/").wait()
        #expect(start.pairs.map(\.key) == ["/a/1"])

        // A watch opened with a token that ran out (etcd cancels it at once): renewed too, and
        // it sees what is written.
        Thread.sleep(forTimeInterval: 3)
        let seen = Locked<[EtcdEvent]>([])
        let watch = client.watch(prefix: "/a/", after: start.revision) { events in seen.mutate { $0 += events } }
        defer { watch.cancel() }
        let deadline = Date().addingTimeInterval(30)
        while watch.member == nil, Date() < deadline { usleep(50_000) }
        #expect(watch.member != nil)
        try client.put(key: "/a/2", value: [2]).wait()
        while seen.value.isEmpty, Date() < deadline { usleep(50_000) }
        #expect(seen.value.map(\.revision) == [start.revision + 1])

        // The wrong password: one line naming the user.
        var wrong = cluster
        wrong.credentials = EtcdCredentials(user: "root", password: "nope")
        #expect(throws: EtcdError("etcd refused user 'root': \(etcd.member): HTTP 400: etcdserver: authentication failed, invalid user ID or password",
                                  kind: .other)) {
            try EtcdClient(cluster: wrong, group: group).put(key: "/a/3", value: [3]).wait()
        }
    }
}
