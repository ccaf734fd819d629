import Foundation
@testable import MeshAdmin
import MeshCore
import MeshTestSupport
import NIOCore
import Testing

/// A connection that is not being answered must bring a whole request within the idle timeout;
/// one that is being answered (a long poll) is not idle however long it waits.
@Suite struct AdminIdleTimeoutTests {
    /// Short, so that the tests are quick; the clients' own timeouts are far longer.
    static let idle = 0.3

    /// `idle` for a server that must also answer: long enough that a loaded machine reads the
    /// request (sent at once) before it runs out.
    func start(_ journal: EventJournal = EventJournal(), idle: Double = Self.idle) throws -> (AdminServer, Int) {
        let server = try AdminServer.start(AdminAPI(session: FakeSession(), journal: journal, token: nil),
                                           host: "127.0.0.1", port: 0, idleTimeout: idle)
        return (server, try #require(server.localAddress?.port))
    }

    @Test func aClientThatSendsNothingIsClosed() throws {
        let (server, port) = try start()
        defer { server.stop() }
        let client = try RawClient(port: port, timeout: 20)
        #expect(client.isClosedByPeer(), "closed by the server, long before the client's own 20 s timeout")
    }

    @Test func aRequestTrickledTooSlowlyIsClosed() throws {
        let (server, port) = try start()
        defer { server.stop() }
        let client = try RawClient(port: port, timeout: 20)
        // A byte now and then, as slowloris does: each is activity, none completes the head.
        // Sending and receiving on one socket from two threads is fine; RawClient's send keeps no
        // state. The writer is waited for before the socket closes.
        nonisolated(unsafe) let writer = client
        let done = DispatchSemaphore(value: 0)
        let trickle = Thread {
            for byte in "GET /healthz HTTP/1.1\r\n".utf8 {
                writer.send(String(UnicodeScalar(byte)))
                Thread.sleep(forTimeInterval: Self.idle / 3)
            }
            done.signal()
        }
        trickle.start()
        defer { done.wait() }
        #expect(client.isClosedByPeer())
    }

    @Test func aKeptAliveConnectionIsClosedAfterItsAnswerOnceIdle() throws {
        let (server, port) = try start(idle: 3)
        defer { server.stop() }
        let client = try RawClient(port: port, timeout: 20)
        client.send("GET /healthz HTTP/1.1\r\nHost: t\r\n\r\n")
        #expect(try client.readResponse().status == 200)
        #expect(client.isClosedByPeer())
    }

    @Test func aLongPollLongerThanTheIdleTimeoutIsAnswered() throws {
        let journal = EventJournal()
        journal.append(AdminAPITests.change(seq: 1))
        let (server, port) = try start(journal, idle: 3)
        defer { server.stop() }
        let client = try RawClient(port: port, timeout: 30)
        // Nothing happens for a few idle timeouts: the answer is the empty list when the wait ends.
        client.send("GET /v1/events?since=1&wait=9s HTTP/1.1\r\nHost: t\r\n\r\n")
        let answer = try client.readResponse()
        #expect(answer.status == 200)
        #expect(answer.body.trimmingCharacters(in: .whitespacesAndNewlines) == "[]")
    }
}
