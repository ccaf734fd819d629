import MeshTestSupport
import MeshCore
import MeshProxy
import NIOCore
import Testing

/// Real sockets: a client, the proxy and NIO HTTP backends, all on loopback.
@Suite(.serialized) struct HTTPProxyTests {
    @Test func getAndPostAreRoundRobinOverTwoBackends() async throws {
        let h = try await ProxyHarness.start()
        let port = h.port
        let names = try await blocking { try (0..<4).map { _ in try RawClient.get(port).header("x-backend") ?? "?" } }
        #expect(names == ["b0", "b1", "b0", "b1"])
        let post = try await blocking {
            let c = try RawClient(port: port)
            c.send("POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 11\r\n\r\nhello world")
            return try c.readResponse()
        }
        #expect(post.status == 200 && post.body == "b0 got 11: hello world")
        await h.stop()
    }

    @Test func keepAliveReusesUpstreamConnections() async throws {
        let h = try await ProxyHarness.start(threads: 1)
        let port = h.port
        let ok = try await blocking {
            let c = try RawClient(port: port)
            var ok = 0
            for _ in 0..<20 {
                c.send("GET / HTTP/1.1\r\nHost: t\r\n\r\n")
                if try c.readResponse().status == 200 { ok += 1 }
            }
            return ok
        }
        #expect(ok == 20)
        #expect(h.backends.map(\.connectionCount) == [1, 1])
        await h.stop()
    }

    @Test func chunkedRequestAndResponseBodies() async throws {
        let h = try await ProxyHarness.start(backends: ["b0"])
        let port = h.port
        let (post, get) = try await blocking {
            let c = try RawClient(port: port)
            c.send("POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n")
            c.send("6\r\n world\r\n0\r\n\r\n")
            let post = try c.readResponse()
            c.send("GET /chunked HTTP/1.1\r\nHost: t\r\n\r\n")
            return (post, try c.readResponse())
        }
        #expect(post.body == "b0 got 11: hello world")
        #expect(get.header("transfer-encoding") == "chunked" && get.body == "one,two,three")
        await h.stop()
    }

    @Test func contentLengthBodiesLargerThanOneRead() async throws {
        let h = try await ProxyHarness.start(backends: ["b0"])
        let port = h.port
        let (big, post) = try await blocking {
            let c = try RawClient(port: port)
            c.send("GET /big?n=3000000 HTTP/1.1\r\nHost: t\r\n\r\n")
            let big = try c.readResponse()
            let payload = String(repeating: "y", count: 300_000)
            c.send("POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: \(payload.utf8.count)\r\n\r\n\(payload)")
            return (big, try c.readResponse())
        }
        #expect(big.body.utf8.count == 3_000_000)
        #expect(post.body.hasPrefix("b0 got 300000: yyy"))
        await h.stop()
    }

    @Test func pipelinedRequestsAreAnsweredInOrder() async throws {
        let h = try await ProxyHarness.start()
        let port = h.port
        let bodies = try await blocking {
            let c = try RawClient(port: port)
            c.send("GET /slow?ms=200 HTTP/1.1\r\nHost: t\r\n\r\nGET /a HTTP/1.1\r\nHost: t\r\n\r\nPOST /e HTTP/1.1\r\nHost: t\r\nContent-Length: 2\r\n\r\nhi")
            return try (0..<3).map { _ in try c.readResponse().body }
        }
        #expect(bodies == ["slow b0\n", "hello from b1\n", "b0 got 2: hi"])
        await h.stop()
    }

    @Test func http10ClientsGetTheirConnectionSemantics() async throws {
        let h = try await ProxyHarness.start(backends: ["b0"])
        let port = h.port
        let (plain, closed, kept) = try await blocking {
            let c = try RawClient(port: port)
            c.send("GET / HTTP/1.0\r\n\r\n")
            let plain = try c.readResponse()
            let closed = c.isClosedByPeer()
            let k = try RawClient(port: port)
            k.send("GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n")
            _ = try k.readResponse()
            k.send("GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n")
            return (plain, closed, try k.readResponse())
        }
        #expect(plain.status == 200 && plain.body == "hello from b0\n")
        #expect(closed)
        #expect(kept.status == 200 && kept.header("connection")?.lowercased() == "keep-alive")
        await h.stop()
    }

    @Test func forwardedForIsAppended() async throws {
        let h = try await ProxyHarness.start(backends: ["b0"])
        let port = h.port
        let (fresh, appended, rewritten) = try await blocking {
            (try RawClient.get(port).header("x-seen-xff"),
             try RawClient.get(port, headers: "X-Forwarded-For: 10.0.0.1\r\n").header("x-seen-xff"),
             try RawClient.get(port, headers: "Connection: x-hop\r\nx-hop: 1\r\n"))
        }
        #expect(fresh == "127.0.0.1")
        #expect(appended == "10.0.0.1,127.0.0.1")
        #expect(rewritten.header("x-seen-xff") == "127.0.0.1" && rewritten.header("x-seen-connection") == "")
        await h.stop()
    }

    @Test func hashOnHeaderIsSticky() async throws {
        let h = try await ProxyHarness.start(backends: ["b0", "b1", "b2"], picker: ModuloHashPicker()) {
            $0.hashOn = .header("x-user")
        }
        let port = h.port
        let (alice, bob) = try await blocking {
            (try (0..<8).map { _ in try RawClient.get(port, headers: "X-User: alice\r\n").header("x-backend")! },
             try (0..<8).map { _ in try RawClient.get(port, headers: "x-user: bob\r\n").header("x-backend")! })
        }
        #expect(Set(alice).count == 1 && Set(bob).count == 1)
        #expect(alice[0] == "b\(StableHash.hash("alice") % 3)")
        await h.stop()
    }

    @Test func countersAreCollectedPerEndpoint() async throws {
        let h = try await ProxyHarness.start()
        let port = h.port
        _ = try await blocking { try (0..<6).map { _ in try RawClient.get(port, "/status/500").status } }
        let counters = try await h.proxy.collect().get()
        #expect(counters[0]?.requests == 3 && counters[1]?.requests == 3)
        #expect(counters[0]?.errors == 3 && counters[0]?.active == 0)
        #expect(counters[0]?.latencyBuckets.reduce(0, +) == 3)
        await h.stop()
    }
}
