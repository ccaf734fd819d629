import MeshHTTP1
import MeshTestSupport
@testable import MeshProxy
import NIOCore
import Testing

/// What a connection leaves behind once it is closed: nothing. The reliability case r08 (memory
/// that grew with every request to an HTTP/1.0 origin or an origin sending a 10 MB header) as a
/// test: every client and upstream connection object is freed when its connection ends, and what
/// a connection buffers stays within the head limit. (`mesh-bench soak` measures the RSS.)
@Suite(.serialized) struct ProxyMemoryTests {
    final class Weak: @unchecked Sendable {
        weak var object: AnyObject?
        init(_ object: AnyObject) { self.object = object }
    }

    /// Weak references to every connection object the proxy's loops hold now.
    static func connectionObjects(_ proxy: ServiceProxy) async throws -> [Weak] {
        var all: [Weak] = []
        for handle in proxy.loops {
            all += try await handle.eventLoop.submit { () -> [Weak] in
                let loop = handle.context.value
                return loop.frontends.elements.map(Weak.init) + loop.upstreams.flatMap { $0.elements.map(Weak.init) }
                    + loop.relays.flatMap { $0.elements.map(Weak.init) }
            }.get()
        }
        return all
    }

    /// Bytes the client connections of the proxy hold, summed.
    static func bufferedBytes(_ proxy: ServiceProxy) async throws -> Int {
        var total = 0
        for handle in proxy.loops {
            total += try await handle.eventLoop.submit { handle.context.value.frontends.elements.reduce(0) { $0 + $1.reader.bufferedBytes } }.get()
        }
        return total
    }

    @Test func http10OriginLeavesNoConnectionBehind() async throws {
        let h = try await OriginHarness.start { _ in .bytes("HTTP/1.0 200 OK\r\nContent-Length: 4\r\n\r\nbody", close: true) }
        let port = h.port
        let client = try await blocking { Handed(try RawClient(port: port)) }
        var seen: [Weak] = []
        for _ in 0..<20 {
            let body = try await blocking {
                client.value.send("GET / HTTP/1.1\r\nHost: h\r\n\r\n")
                return try client.value.readResponse().body
            }
            #expect(body == "body")
            seen += try await Self.connectionObjects(h.proxy)
        }
        #expect(h.origin.connections == 20)
        #expect(try await Self.bufferedBytes(h.proxy) == 0)
        // Every upstream connection is gone already; the client's goes when it closes.
        try await blocking { client.value.shutdownWrite() }
        let all = seen
        #expect(await poll { all.allSatisfy { $0.object == nil } }, "\(all.filter { $0.object != nil }.count) objects outlived their connections")
        await h.stop()
    }

    @Test func hugeHeaderIsRefusedWithoutKeepingIt() async throws {
        let header = "HTTP/1.1 200 OK\r\nX-Big: " + String(repeating: "b", count: 1 << 20) + "\r\nContent-Length: 2\r\n\r\nok"
        let h = try await OriginHarness.start(answer: { _ in .bytes(header, close: true) }) { $0.maxHeadBytes = 16 * 1024 }
        let port = h.port
        var seen: [Weak] = []
        for _ in 0..<5 {
            let status = try await blocking { try RawClient.get(port).status }
            #expect(status == 502)
            seen += try await Self.connectionObjects(h.proxy)
        }
        let all = seen
        #expect(await poll { all.allSatisfy { $0.object == nil } }, "\(all.filter { $0.object != nil }.count) objects outlived their connections")
        await h.stop()
    }

    @Test func tcpRelaysLeaveNothingBehind() async throws {
        let h = try await ProxyHarness.start(backends: ["b0"]) { $0.mode = .tcp }
        let port = h.port
        var seen: [Weak] = []
        for _ in 0..<5 {
            let client = try await blocking { Handed(try RawClient(port: port)) }
            let status = try await blocking {
                client.value.send("GET / HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n")
                return try client.value.readResponse().status
            }
            #expect(status == 200)
            seen += try await Self.connectionObjects(h.proxy)
        }
        #expect(!seen.isEmpty)
        let all = seen
        #expect(await poll { all.allSatisfy { $0.object == nil } }, "\(all.filter { $0.object != nil }.count) relays outlived their connections")
        await h.stop()
    }
}
