import Foundation
@testable import MeshAdmin
import MeshCore
import MeshTestSupport
import NIOCore
import Testing

/// The admin API on a real socket: keep-alive, pipelining, long polls, limits, start-up errors.
@Suite struct AdminServerTests {
    func start(_ journal: EventJournal = EventJournal(), token: String? = nil) throws -> (AdminServer, Int) {
        let server = try AdminServer.start(AdminAPI(session: FakeSession(), journal: journal, token: token), host: "127.0.0.1", port: 0)
        return (server, try #require(server.localAddress?.port))
    }

    @Test func pipelinedRequestsOnOneConnectionAreAnsweredInOrder() throws {
        let (server, port) = try start()
        defer { server.stop() }
        let client = try RawClient(port: port)
        client.send("GET /healthz HTTP/1.1\r\nHost: t\r\n\r\nGET /v1/nothing HTTP/1.1\r\nHost: t\r\n\r\nGET /v1/alerts HTTP/1.1\r\nHost: t\r\n\r\n")
        let first = try client.readResponse(), second = try client.readResponse(), third = try client.readResponse()
        #expect(first.status == 200 && first.body.contains("ok"))
        #expect(second.status == 404 && second.body.contains("no route GET /v1/nothing"))
        #expect(third.status == 200 && third.body.trimmingCharacters(in: .whitespacesAndNewlines) == "[]")
    }

    @Test func aLongPollOverTheWireWakesOnTheNextEvent() throws {
        let journal = EventJournal()
        journal.append(AdminAPITests.change(seq: 1))
        let (server, port) = try start(journal)
        defer { server.stop() }
        DispatchQueue.global().asyncAfter(deadline: .now() + 0.3) { journal.append(AdminAPITests.change(seq: 2)) }
        let started = Date()
        let answer = try AdminClient(host: "127.0.0.1", port: port).send("GET", "/v1/events?since=1&wait=60s", timeout: 90)
        #expect(answer.status == 200)
        // Woken by the event, not by the end of the wait (generous on a loaded machine).
        #expect(Date().timeIntervalSince(started) < 30)
        #expect(try JSONDecoder().decode([MeshEvent].self, from: Data(answer.body)).map(\.seq) == [2])
        #expect(answer.header("X-Mesh-Top-Index") == "2")
    }

    @Test func stoppingAnswersWaitingLongPolls() throws {
        let (server, port) = try start()
        let waiting = DispatchSemaphore(value: 0)
        let box = AnswerBox()
        DispatchQueue.global().async {
            box.answer = try? AdminClient(host: "127.0.0.1", port: port).send("GET", "/v1/events?since=0&wait=60s", timeout: 30)
            waiting.signal()
        }
        Thread.sleep(forTimeInterval: 0.3)
        server.stop()
        #expect(waiting.wait(timeout: .now() + 10) == .success)
    }

    @Test func anOversizedBodyIsRefused() throws {
        let (server, port) = try start()
        defer { server.stop() }
        let client = try RawClient(port: port)
        let body = String(repeating: "x", count: AdminHandler.maxBody + 1)
        client.send("PUT /v1/endpoints/web/web-1/weight HTTP/1.1\r\nHost: t\r\nContent-Length: \(body.utf8.count)\r\n\r\n" + body)
        let answer = try client.readResponse()
        #expect(answer.status == 413)
        #expect(answer.body.contains("body: larger than"))
    }

    @Test func aTakenPortIsOneLine() throws {
        let (server, port) = try start()
        defer { server.stop() }
        #expect {
            _ = try AdminServer.start(AdminAPI(session: FakeSession(), journal: EventJournal(), token: nil), host: "127.0.0.1", port: port)
        } throws: { error in
            (error as? AdminServerError)?.description == "admin API: cannot listen on 127.0.0.1:\(port): address already in use"
        }
    }

    private final class AnswerBox: @unchecked Sendable { var answer: AdminClient.Answer? }
}
