import Foundation
import MeshTestSupport
import Testing

/// `access_log:` on the real binary, with real backends: one line per request (a 200, a retried
/// request, a 503 with no endpoint left, a 502 from an endpoint nobody listens on) and per TCP
/// connection, in Envoy's default format or as JSON lines; `X-Request-Id` passed on when the
/// client sent one, made and passed on when not, and in the line either way.
@Suite(.serialized) struct AccessLogTests {
    /// Polls `file` until it has `count` lines.
    static func lines(_ file: URL, count: Int) -> [String] {
        var lines: [String] = []
        _ = Background.waitUntil(30) {
            lines = ((try? String(contentsOf: file, encoding: .utf8)) ?? "").split(separator: "\n").map(String.init)
            return lines.count >= count
        }
        return lines
    }

    static func get(_ port: Int, _ path: String, headers: String = "") throws -> RawClient.Response {
        let client = try RawClient(port: port, timeout: 10)
        client.send("GET \(path) HTTP/1.1\r\nHost: t\r\n\(headers)Connection: close\r\n\r\n")
        return try client.readResponse()
    }

    @Test func httpAndTCPLinesInEnvoysFormat() throws {
        let backend = try NamedBackend("b1")
        defer { backend.stop() }
        let dead = Executable.freePort()
        let (web, down, tcp) = (Executable.freePort(), Executable.freePort(), Executable.freePort())
        let mesh = try RunningMesh(run: """
            services:
              - name: web
                listen: 127.0.0.1:\(web)
                balancer: round-robin
                health: {type: none}
                retries: 1
                access_log: logs/web.log
                endpoints:
                  - {id: web-1, address: "\(backend.address)"}
                  - {id: web-dead, address: "127.0.0.1:\(dead)"}
              - name: down
                listen: 127.0.0.1:\(down)
                health: {type: none}
                retries: 0
                access_log: logs/web.log
                endpoints:
                  - {id: down-1, address: "\(backend.address)"}
                  - {id: down-dead, address: "127.0.0.1:\(dead)"}
              - name: db
                listen: 127.0.0.1:\(tcp)
                protocol: tcp
                health: {type: none}
                access_log: logs/db.log
                endpoints:
                  - {id: db-1, address: "\(backend.address)"}

            """, arguments: ["--threads", "1"])  // one loop: round robin alternates over the whole run
        defer { mesh.stop() }
        let log = mesh.directory.appendingPathComponent("logs/web.log")

        // Round robin over a live and a dead endpoint: two requests, one of them retried.
        let first = try Self.get(web, "/cart?item=1", headers: "X-Request-Id: client-id-7\r\n")
        let second = try Self.get(web, "/cart?item=2")
        #expect(first.status == 200 && second.status == 200)
        #expect(first.header("X-Seen-Request-Id") == "client-id-7", "a client's ID goes on as it is")
        let made = try #require(second.header("X-Seen-Request-Id"))
        #expect(made.range(of: "^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$", options: .regularExpression) != nil,
                "one is made when there is none: \(made)")
        // The dead endpoint without retries: 502 UF; then nothing left to send to: 503 UH.
        let failed = (0..<2).map { _ in (try? Self.get(down, "/x"))?.status ?? 0 }
        #expect(failed.sorted() == [200, 502], "\(failed)")
        #expect(try mesh.http("POST", "/v1/endpoints/down/down-1/kill").status == 200)
        #expect(try mesh.http("POST", "/v1/endpoints/down/down-dead/kill").status == 200)
        #expect(try Self.get(down, "/none").status == 503)

        let lines = Self.lines(log, count: 5)
        #expect(lines.count == 5, "\(lines)")
        let time = #"^\[\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z\] "#
        let one = lines.first { $0.contains("item=1") } ?? ""
        #expect(one.range(of: time + #""GET /cart\?item=1 HTTP/1\.1" 200 - \d+ \d+ \d+ \d+ "127\.0\.0\.1:\d+" "client-id-7" "127\.0\.0\.1:\#(backend.port)" web/web-1 [01]$"#,
                          options: .regularExpression) != nil, "\(one)")
        let two = lines.first { $0.contains("item=2") } ?? ""
        #expect(two.contains(" 200 - ") && two.contains("\"\(made)\""), "the made ID is logged: \(two)")
        // Round robin takes the dead endpoint in turn; its requests go to web-1 on their retry.
        let retried = [one, two].filter { $0.hasSuffix(" web/web-1 1") }
        #expect(!retried.isEmpty, "a request the dead endpoint failed was retried and answered: \(one) | \(two)")
        let refused = lines.first { $0.contains(" 502 ") } ?? ""
        #expect(refused.contains(#""GET /x HTTP/1.1" 502 UF "#) && refused.contains("\"127.0.0.1:\(dead)\" down/down-dead 0"), "\(refused)")
        let none = lines.first { $0.contains(" 503 ") } ?? ""
        #expect(none.range(of: #""GET /none HTTP/1\.1" 503 UH \d+ \d+ \d+ - "127\.0\.0\.1:\d+" "[0-9a-f-]{36}" "-" - 0$"#,
                           options: .regularExpression) != nil, "no endpoint: no upstream time, host or endpoint: \(none)")

        // A TCP connection: one line when it ends.
        let client = try RawClient(port: tcp, timeout: 10)
        client.send("GET / HTTP/1.0\r\n\r\n")
        #expect(try client.readResponse().body == "b1\n")
        client.shutdownWrite()  // the connection ends when both sides have ended it
        let tcpLines = Self.lines(mesh.directory.appendingPathComponent("logs/db.log"), count: 1)
        let line = tcpLines.first ?? ""
        #expect(line.range(of: time + #""- - -" - - 18 \d+ \d+ \d+ "127\.0\.0\.1:\d+" "-" "127\.0\.0\.1:\#(backend.port)" db/db-1 0$"#,
                           options: .regularExpression) != nil, "\(tcpLines)")
    }

    @Test func jsonLinesAndStandardOutput() throws {
        let backend = try NamedBackend("j1")
        defer { backend.stop() }
        let (web, out) = (Executable.freePort(), Executable.freePort())
        let mesh = try RunningMesh(run: """
            services:
              - name: web
                listen: 127.0.0.1:\(web)
                health: {type: none}
                access_log: {path: web.jsonl, format: json}
                endpoints:
                  - {id: web-1, address: "\(backend.address)"}
              - name: out
                listen: 127.0.0.1:\(out)
                health: {type: none}
                access_log: "-"
                endpoints:
                  - {id: out-1, address: "\(backend.address)"}

            """)
        defer { mesh.stop() }
        #expect(try Self.get(web, #"/q?s="x""#).status == 200)
        let line = try #require(Self.lines(mesh.directory.appendingPathComponent("web.jsonl"), count: 1).first)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any], "\(line)")
        #expect(object["method"] as? String == "GET")
        #expect(object["path"] as? String == #"/q?s="x""#, "escaped and read back: \(line)")
        #expect(object["response_code"] as? Int == 200)
        #expect(object["response_flags"] as? String == "-")
        #expect(object["endpoint"] as? String == "web/web-1")
        #expect(object["upstream_retries"] as? Int == 0)
        #expect((object["x_request_id"] as? String)?.count == 36)
        #expect(object["upstream_service_time"] is Int && object["duration"] is Int && object["start_time"] is String)

        // `-`: the access log's lines join the events on stdout, each a whole line.
        #expect(try Self.get(out, "/stdout").status == 200)
        #expect(mesh.waitFor(30) { mesh.events.contains(#""GET /stdout HTTP/1.1" 200 - "#) }, "\(mesh.events)")
    }

    @Test func aDashboardRunRefusesAnAccessLogOnStdout() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("alog-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        try "services:\n  - name: web\n    listen: 127.0.0.1:\(Executable.freePort())\n    access_log: \"-\"\n    endpoints:\n      - {id: w, address: \"127.0.0.1:9\"}\n"
            .write(to: dir.appendingPathComponent("mesh.yaml"), atomically: true, encoding: .utf8)
        let r = try Executable("mesh-top").run(["run"], in: dir)
        #expect(r.status == 1)
        #expect(r.stderr == "mesh-top: web: access_log: - writes to stdout, which the dashboard draws on: use --headless, or a file\n", "\(r.stderr)")
    }
}
